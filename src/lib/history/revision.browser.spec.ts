import { get, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { ProjectChangedError } from './errors.ts';
import { entryKey, projectKey } from './keys.ts';
import { Project } from './project.svelte.ts';
import { NoTabs } from './tabs.ts';
import type { ProjectRecord } from './types.ts';
import { allKeys, editInput, freshDb, openInput, storeOf, text, tickingClock } from './testing.ts';

/**
 * Two tabs on one project with nothing coordinating them (NoTabs: as in a browser without Web Locks,
 * or a tab that lost its lock mid-write). The revision check inside every project write must keep
 * the stale tab from deleting or overwriting the other tab's steps (issue 14).
 */
function twoTabs() {
  const db = freshDb();
  const now = tickingClock();
  const tab = () => new Project({ store: storeOf(db.connect()), now, tabs: new NoTabs() });
  return { db, a: tab(), b: tab(), fresh: tab };
}

const labels = (p: Project) => p.entries.map((e) => (e.op === 'open' ? 'open' : String(e.params.label)));

describe('a project write from a tab holding an older copy', () => {
  it("is refused, so tab B's undo + edit cannot make tab A's next edit lose a step on reload", async () => {
    const { db, a, b, fresh } = await twoTabs();
    await a.open(openInput('p'));
    await a.commit(editInput('X'));
    await b.load(a.id!);
    expect(labels(b)).toEqual(['open', 'X']);

    // B: undo, then an edit, which drops X as B's redo branch (its records are deleted).
    await b.undo();
    await b.commit(editInput('B'));
    // A still lists X; before, this write succeeded with a record naming the deleted X.
    const refused = a.commit(editInput('A', { op: 'flip' }));
    await expect(refused).rejects.toBeInstanceOf(ProjectChangedError);
    await expect(refused).rejects.toThrow('This project was changed in another tab, so this change was not saved here.');
    // Nothing of A's refused write landed: A's state is as it was, and storage holds B's project whole.
    expect(labels(a)).toEqual(['open', 'X']);
    const conn = db.connect();
    expect((await allKeys(conn)).filter((k) => k[0] === 'entry')).toHaveLength(2);

    const reloaded = fresh();
    const report = await reloaded.load(a.id!);
    expect(report).toEqual({ lost: [], total: 2 });
    expect(labels(reloaded)).toEqual(['open', 'B']);
    expect(await text(reloaded.image)).toBe('image:B');

    // A reloads, and its edit then lands on top of B's.
    await a.refresh();
    expect(labels(a)).toEqual(['open', 'B']);
    await a.commit(editInput('A'));
    const again = fresh();
    expect(await again.load(a.id!)).toEqual({ lost: [], total: 3 });
    expect(labels(again)).toEqual(['open', 'B', 'A']);
  });

  it('every kind of project write is checked: undo, rename, and a commit after the other tab undid', async () => {
    const { a, b } = await twoTabs();
    await a.open(openInput('p'));
    await a.commit(editInput('X'));
    await b.load(a.id!);
    await b.undo();
    await expect(a.undo()).rejects.toBeInstanceOf(ProjectChangedError);
    await expect(a.rename('beach')).rejects.toBeInstanceOf(ProjectChangedError);
    await expect(a.commit(editInput('Y'))).rejects.toBeInstanceOf(ProjectChangedError);
    expect([a.cursor, a.name, labels(a)]).toEqual([1, 'p', ['open', 'X']]);
    // B, whose copy is current, goes on writing.
    await b.redo();
    await b.rename('beach');
    expect((await b.listProjects())[0]).toMatchObject({ name: 'beach', entryCount: 2 });
  });

  it('a write to a project deleted in another tab is refused, and does not bring it back', async () => {
    const { db, a, b } = await twoTabs();
    await a.open(openInput('p'));
    const id = a.id!;
    await b.deleteProject(id);
    const refused = a.commit(editInput('X'));
    await expect(refused).rejects.toMatchObject({ name: 'ProjectChangedError', deleted: true });
    await expect(refused).rejects.toThrow('This project was deleted in another tab, so this change was not saved.');
    expect((await allKeys(db.connect())).filter((k) => k[1] === id)).toEqual([]);
  });

  it('counts revisions from 1; a record from before revisions opens and is written as revision 1', async () => {
    const { db, a, fresh } = await twoTabs();
    await a.open(openInput('p'));
    const conn = db.connect();
    const stored = () => get<ProjectRecord>(projectKey(a.id!), conn);
    expect((await stored())?.revision).toBe(1);
    await a.commit(editInput('X'));
    await a.undo();
    expect((await stored())?.revision).toBe(3);

    // As an older version of the app wrote it: no revision field.
    const { revision: _, ...old } = (await stored())!;
    await set(projectKey(a.id!), old, conn);
    const reader = fresh();
    await reader.load(a.id!);
    await reader.redo();
    expect(await stored()).toMatchObject({ revision: 1, cursor: 1 });
  });

  it('a refused write leaves the blobs of its entry out of storage too', async () => {
    const { db, a, b } = await twoTabs();
    await a.open(openInput('p'));
    await b.load(a.id!);
    await b.commit(editInput('B'));
    await expect(a.commit(editInput('A', { mask: new Blob(['m']) }))).rejects.toBeInstanceOf(ProjectChangedError);
    const kinds = (await allKeys(db.connect())).filter((k) => k[0] !== 'project' && k[0] !== 'meta' && k[0] !== 'original').map((k) => `${k[0]}:${k[2] === b.entries[1].id ? 'B' : k[2] === b.entries[0].id ? 'open' : 'other'}`);
    expect(kinds.sort()).toEqual(['entry:B', 'entry:open', 'image:B', 'image:open', 'thumb:B', 'thumb:open']);
    expect(await get(entryKey('entry', a.id!, b.entries[1].id), db.connect())).toMatchObject({ params: { label: 'B' } });
  });
});
