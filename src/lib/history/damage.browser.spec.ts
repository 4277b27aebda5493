import { del, set, type UseStore } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { ProjectDamagedError } from './errors.ts';
import { entryKey, LAST_PROJECT_KEY, originalKey, projectKey } from './keys.ts';
import { Project } from './project.svelte.ts';
import { allKeys, editInput, freshDb, openInput, storeOf, text, tickingClock } from './testing.ts';

/** Two projects on one database: A (open, a1, a2; cursor on a2) and B (open, b1), B opened last. */
async function twoProjects() {
  const db = freshDb();
  const conn = db.connect();
  const now = tickingClock();
  const a = new Project({ store: storeOf(conn), now });
  await a.open(openInput('A'));
  await a.commit(editInput('a1'));
  await a.commit(editInput('a2', { op: 'flip', params: { axis: 'horizontal' } }));
  const b = new Project({ store: storeOf(conn), now });
  await b.open(openInput('B'));
  await b.commit(editInput('b1'));
  // A reload: the tabs that wrote the projects are gone (their claims released), a new one reads them.
  const fresh = () => {
    a.dispose();
    b.dispose();
    return new Project({ store: storeOf(db.connect()), now });
  };
  return { db, conn, a, b, fresh };
}

const ids = (p: Project) => p.entries.map((e) => e.id);
const keysOf = async (conn: UseStore, projectId: string) => (await allKeys(conn)).filter((k) => k[1] === projectId);

describe('damaged records', () => {
  it('a non-object project record does not hide the other projects; it is listed apart and can be repaired', async () => {
    const { conn, a, b, fresh } = await twoProjects();
    await set(projectKey(a.id!), 42, conn);
    const reader = fresh();
    const listing = await reader.listing();
    expect(listing.projects.map((p) => p.name)).toEqual(['B']);
    expect(listing.unreadable).toEqual([{ id: a.id, name: 'A.jpg', problem: 'Its project record is damaged (a number was stored instead).', recoverable: 3 }]);
    expect(await reader.listProjects()).toHaveLength(1);
    await expect(reader.load(a.id!)).rejects.toBeInstanceOf(ProjectDamagedError);

    // The healthy one opens as saved.
    await reader.load(b.id!);
    expect([reader.name, reader.cursor, await text(reader.image)]).toEqual(['B', 1, 'image:b1']);

    // Repair rebuilds the record from the steps, in the order they were made.
    await reader.repair(a.id!);
    const repaired = await reader.listing();
    expect(repaired.unreadable).toEqual([]);
    expect(repaired.projects.find((p) => p.id === a.id)).toMatchObject({ name: 'A.jpg', entryCount: 3 });
    await reader.load(a.id!);
    expect(ids(reader)).toEqual(ids(a));
    expect(await text(reader.image)).toBe('image:a2');
  });

  it('a step whose image is missing: the project opens with the steps before it and says what was left out', async () => {
    const { conn, a, fresh } = await twoProjects();
    const [open, a1, a2] = a.entries;
    await del(entryKey('image', a.id!, a1.id), conn);

    const reader = fresh();
    const { projects } = await reader.listing();
    expect(projects.find((p) => p.id === a.id)).toMatchObject({ entryCount: 1, width: 640, height: 480, damage: { readable: 1, lost: 2, problem: 'The image of this step is missing.' } });
    expect(await text(projects.find((p) => p.id === a.id)!.thumbnail)).toBe('A:thumb:open');

    const report = await reader.load(a.id!);
    expect(report.total).toBe(3);
    expect(report.lost.map((l) => [l.id, l.entry?.op, l.problem])).toEqual([
      [a1.id, 'rotate', 'The image of this step is missing.'],
      [a2.id, 'flip', 'It comes after a step that cannot be read.'],
    ]);
    expect([ids(reader), reader.cursor, reader.canRedo]).toEqual([[open.id], 0, false]);
    expect(await text(reader.image)).toBe('A:image:open');

    // Storage still holds them until the project is written again: then they go, in the same transaction.
    expect((await keysOf(conn, a.id!)).some((k) => k[2] === a2.id)).toBe(true);
    await reader.commit(editInput('a3'));
    const left = await keysOf(conn, a.id!);
    expect(left.some((k) => k[2] === a1.id || k[2] === a2.id)).toBe(false);
    expect((await fresh().listing()).projects.find((p) => p.id === a.id)).toMatchObject({ entryCount: 2 });
    expect((await fresh().listing()).projects.find((p) => p.id === a.id)?.damage).toBeUndefined();
  });

  it('repair keeps the readable steps of a project and deletes the rest', async () => {
    const { conn, a, fresh } = await twoProjects();
    const [, , a2] = a.entries;
    await set(entryKey('entry', a.id!, a2.id), 'junk', conn);
    const reader = fresh();
    await reader.repair(a.id!);
    expect((await keysOf(conn, a.id!)).some((k) => k[2] === a2.id)).toBe(false);
    const report = await reader.load(a.id!);
    expect(report.lost).toEqual([]);
    expect([reader.entries.length, reader.cursor, await text(reader.image)]).toEqual([2, 1, 'image:a1']);
  });

  it('a project with nothing readable is listed as unreadable with nothing to recover; delete removes it', async () => {
    const { conn, a, fresh } = await twoProjects();
    await del(originalKey(a.id!), conn);
    await del(entryKey('entry', a.id!, a.entries[0].id), conn);
    const reader = fresh();
    const { unreadable } = await reader.listing();
    expect(unreadable).toEqual([{ id: a.id, name: 'A', problem: 'The details of this step are missing.', recoverable: 0 }]);
    await expect(reader.repair(a.id!)).rejects.toBeInstanceOf(ProjectDamagedError);
    await reader.deleteProject(a.id!);
    expect(await keysOf(conn, a.id!)).toEqual([]);
    expect((await reader.listing()).unreadable).toEqual([]);
  });

  it('damaged thumbnails, masks and originals read as absent, never as errors', async () => {
    const { conn, b, fresh } = await twoProjects();
    await set(entryKey('thumb', b.id!, b.entries[1].id), { not: 'a blob' }, conn);
    await set(entryKey('mask', b.id!, b.entries[1].id), 7, conn);
    const reader = fresh();
    const { projects } = await reader.listing();
    expect(projects.find((p) => p.id === b.id)?.thumbnail).toBeUndefined();
    await reader.load(b.id!);
    expect(reader.thumbnail(b.entries[1].id)).toBeUndefined();
    expect(await reader.mask(b.entries[1].id)).toBeUndefined();
  });

  it('steps whose project record is gone altogether are listed as unreadable and can be repaired', async () => {
    const { conn, b, fresh } = await twoProjects();
    await del(projectKey(b.id!), conn);
    const reader = fresh();
    expect((await reader.listing()).unreadable).toEqual([{ id: b.id, name: 'B.jpg', problem: 'Its project record is missing.', recoverable: 2 }]);
    await reader.repair(b.id!);
    await reader.load(b.id!);
    expect([reader.entries.length, await text(reader.image)]).toEqual([2, 'image:b1']);
  });
});

describe('the last-project pointer', () => {
  it('a pointer to a project that is gone is cleared without an error', async () => {
    const { conn, fresh } = await twoProjects();
    await set(LAST_PROJECT_KEY, crypto.randomUUID(), conn);
    const reader = fresh();
    expect(await reader.restoreLast()).toBeNull();
    expect(reader.id).toBeNull();
    expect(await reader.lastProjectId()).toBeNull();
    expect((await allKeys(conn)).some((k) => k[0] === 'meta')).toBe(false);
  });

  it('a pointer that is not a project id reads as none and is cleared', async () => {
    const { conn, fresh } = await twoProjects();
    await set(LAST_PROJECT_KEY, { id: 1 }, conn);
    const reader = fresh();
    expect(await reader.restoreLast()).toBeNull();
    expect((await allKeys(conn)).some((k) => k[0] === 'meta')).toBe(false);
  });

  it('a pointer to an unreadable project is cleared and the damage reported', async () => {
    const { conn, b, fresh } = await twoProjects();
    await set(projectKey(b.id!), 'x', conn);
    const reader = fresh();
    await expect(reader.restoreLast()).rejects.toBeInstanceOf(ProjectDamagedError);
    expect(await reader.lastProjectId()).toBeNull();
  });

  it('the last project reopens with what can be read', async () => {
    const { conn, b, fresh } = await twoProjects();
    await del(entryKey('image', b.id!, b.entries[1].id), conn);
    const reader = fresh();
    const report = await reader.restoreLast();
    expect(report?.lost.map((l) => l.id)).toEqual([b.entries[1].id]);
    expect([reader.id, reader.entries.length]).toEqual([b.id, 1]);
  });
});
