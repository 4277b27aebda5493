import { describe, expect, it } from 'vitest';
import { StorageFullError } from './errors.ts';
import { Project } from './project.svelte.ts';
import { HistoryStore } from './store.ts';
import type { EntryMeta } from './types.ts';
import { allKeys, bytes, editInput, freshDb, openInput, storeOf, text, tickingClock } from './testing.ts';

/** A project with entries open, a, b, c (cursor on c), on its own database. */
async function threeEdits() {
  const db = freshDb();
  const conn = db.connect();
  const project = new Project({ store: storeOf(conn), now: tickingClock() });
  await project.open(openInput('p'));
  for (const label of ['a', 'b', 'c']) await project.commit(editInput(label));
  return { db, conn, project };
}

const labels = (p: Project) => p.entries.map((e) => (e.op === 'open' ? 'open' : String(e.params.label)));

describe('Project history', () => {
  it('commit appends and makes the new entry current', async () => {
    const { project } = await threeEdits();
    expect(labels(project)).toEqual(['open', 'a', 'b', 'c']);
    expect(project.cursor).toBe(3);
    expect(project.current?.params).toEqual({ degrees: 90, label: 'c' });
    expect([project.canUndo, project.canRedo]).toEqual([true, false]);
    expect(await text(project.image)).toBe('image:c');
    expect(await text(project.thumbnail(project.entries[1].id))).toBe('thumb:a');
    expect(project.current).toMatchObject({ op: 'rotate', width: 480, height: 640, hasMask: false, time: 1003 });
  });

  it('undo, redo and jumpTo move the cursor and load that entry image', async () => {
    const { project } = await threeEdits();
    await project.undo();
    expect([project.cursor, await text(project.image)]).toEqual([2, 'image:b']);
    expect([project.canUndo, project.canRedo]).toEqual([true, true]);
    await project.redo();
    expect([project.cursor, await text(project.image)]).toEqual([3, 'image:c']);
    await project.jumpTo(0);
    expect([project.cursor, await text(project.image)]).toEqual([0, 'p:image:open']);
    expect([project.canUndo, project.canRedo]).toEqual([false, true]);
    await project.undo(); // the opened image is the floor
    expect(project.cursor).toBe(0);
    await project.jumpTo(9);
    await project.jumpTo(-1);
    expect(project.cursor).toBe(0);
    await project.jumpTo(3);
    await project.redo(); // already at the tip
    expect([project.cursor, await text(project.image)]).toEqual([3, 'image:c']);
  });

  it('runs calls in order: three undos fired at once step back three entries', async () => {
    const { project } = await threeEdits();
    const calls = [project.undo(), project.undo(), project.undo()];
    expect(project.busy).toBe(true);
    await Promise.all(calls);
    expect(project.busy).toBe(false);
    expect([project.cursor, await text(project.image)]).toEqual([0, 'p:image:open']);
  });

  it('a commit after undo drops the redo branch and deletes its records and blobs', async () => {
    const { conn, project } = await threeEdits();
    const [, , b, c] = project.entries;
    await project.jumpTo(1);
    await project.commit(editInput('d', { mask: new Blob(['mask:d']) }));
    expect(labels(project)).toEqual(['open', 'a', 'd']);
    expect(project.canRedo).toBe(false);
    expect(project.thumbnail(b.id)).toBeUndefined();

    const stored = await allKeys(conn);
    const mentions = (id: string) => stored.filter((k) => k.includes(id));
    expect(mentions(b.id)).toEqual([]);
    expect(mentions(c.id)).toEqual([]);
    const d = project.entries[2];
    expect(mentions(d.id).map((k) => k[0]).sort()).toEqual(['entry', 'image', 'mask', 'thumb']);
    expect(d.hasMask).toBe(true);
    expect(await text(await project.mask(d.id))).toBe('mask:d');
  });

  it('a reload (new instance, new connection) restores entries, cursor and byte-identical blobs', async () => {
    const { db, project } = await threeEdits();
    await project.commit(editInput('e', { op: 'inpaint', instruction: 'remove the lamp post', params: { box: [1, 2, 3, 4], strength: 0.5, note: null } }));
    await project.jumpTo(2);

    const counting = new CountingStore(db.connect());
    const reloaded = new Project({ store: counting });
    const id = await reloaded.lastProjectId();
    expect(id).toBe(project.id);
    await reloaded.load(id!);

    expect(reloaded.entries).toEqual(project.entries);
    expect(reloaded.cursor).toBe(2);
    expect(reloaded.name).toBe('p');
    expect(await text(reloaded.image)).toBe('image:b');
    expect(counting.imageReads).toEqual([project.entries[2].id]); // only the current image is read
    const inpaint = reloaded.entries[4] as EntryMeta;
    expect(inpaint).toMatchObject({ op: 'inpaint', instruction: 'remove the lamp post', params: { box: [1, 2, 3, 4], strength: 0.5, note: null } });
    for (const e of project.entries) expect(await bytes(reloaded.thumbnail(e.id))).toEqual(await bytes(project.thumbnail(e.id)));

    const original = await reloaded.original();
    expect(original).toBeInstanceOf(File);
    expect([(original as File).name, original!.type]).toEqual(['p.jpg', 'image/jpeg']);
    expect(await bytes(original)).toEqual(await bytes(openInput('p').original));
  });

  it('an open without a separate image uses the original file as the first image, stored once', async () => {
    const db = freshDb();
    const conn = db.connect();
    const project = new Project({ store: storeOf(conn) });
    const input = openInput('raw', false);
    await project.open(input);
    await project.commit(editInput('a'));
    await project.undo();
    expect(await bytes(project.image)).toEqual(await bytes(input.original));
    expect((await allKeys(conn)).filter((k) => k[0] === 'image')).toHaveLength(1);
    expect(project.entries[0].imageIsOriginal).toBe(true);
  });

  it('close forgets the last project; commit without a project fails', async () => {
    const { project } = await threeEdits();
    await project.close();
    expect([project.id, project.entries.length, project.cursor, project.image]).toEqual([null, 0, -1, null]);
    expect(await project.lastProjectId()).toBeNull();
    await expect(project.commit(editInput('x'))).rejects.toThrow('No project is open.');
  });

  it('loading a project that is gone says so', async () => {
    const project = new Project({ store: storeOf(freshDb().connect()) });
    await expect(project.load('nope')).rejects.toThrow(/no longer in storage/);
  });

  it('storageEstimate returns numbers', async () => {
    const { project } = await threeEdits();
    const info = await project.storageEstimate();
    expect(info.quota).toBeGreaterThan(0);
    expect(info.usage).toBeGreaterThanOrEqual(0);
    expect(info.available).toBe(Math.max(0, info.quota - info.usage));
    expect(typeof info.persisted).toBe('boolean');
  });
});

describe('on a full disk', () => {
  it('undo, redo, load and close still work when their small cursor writes are refused', async () => {
    const { db, project } = await threeEdits();
    project.dispose(); // a reload: the page that wrote it is gone
    const full = new FullForCursorStore(db.connect());
    const same = new Project({ store: full });
    await same.load(project.id!);
    await same.undo();
    await same.jumpTo(1);
    expect([same.cursor, await text(same.image)]).toEqual([1, 'image:a']);
    expect(full.refused).toBe(3); // load's last-project write and two cursor writes

    // The refused cursor is not on disk yet; the next successful write carries it.
    const reread = async () => (await storeOf(db.connect()).getProject(project.id!))!.cursor;
    expect(await reread()).toBe(3);
    await same.commit(editInput('x'));
    expect(await reread()).toBe(2);
    await same.close();
    expect(same.id).toBeNull();
  });

  it('other storage errors still reach the caller', async () => {
    const { db, project } = await threeEdits();
    const broken = new (class extends HistoryStore {
      override saveProject(): Promise<void> {
        return Promise.reject(new DOMException('disk gone', 'UnknownError'));
      }
    })(db.connect());
    project.dispose();
    const same = new Project({ store: broken });
    await same.load(project.id!);
    await expect(same.undo()).rejects.toThrow('disk gone');
    expect(same.cursor).toBe(3);
  });
});

/** Refuses the writes that only remember position, as a full disk would. */
class FullForCursorStore extends HistoryStore {
  refused = 0;
  override saveProject(): Promise<void> {
    this.refused++;
    return Promise.reject(new StorageFullError());
  }
  override setLastProjectId(): Promise<void> {
    this.refused++;
    return Promise.reject(new StorageFullError());
  }
}

class CountingStore extends HistoryStore {
  imageReads: string[] = [];
  override getImage(projectId: string, entry: EntryMeta): Promise<Blob> {
    this.imageReads.push(entry.id);
    return super.getImage(projectId, entry);
  }
}
