import { describe, expect, it } from 'vitest';
import { Project } from './project.svelte.ts';
import { allKeys, editInput, freshDb, openInput, storeOf, text, tickingClock } from './testing.ts';

/** Two projects on one database sharing a clock: A opened at 1000, B at 1001. */
async function twoProjects() {
  const conn = freshDb().connect();
  const store = storeOf(conn);
  const now = tickingClock();
  const a = new Project({ store, now });
  const b = new Project({ store, now });
  await a.open(openInput('A'));
  await b.open(openInput('B'));
  return { conn, store, a, b };
}

describe('recent projects', () => {
  it('lists projects most recently updated first, with size, count and current thumbnail', async () => {
    const { a, b } = await twoProjects();
    expect((await a.listProjects()).map((p) => p.name)).toEqual(['B', 'A']);

    await a.commit(editInput('a1'));
    const list = await a.listProjects();
    expect(list.map((p) => p.name)).toEqual(['A', 'B']);
    expect(list[0]).toMatchObject({ id: a.id, width: 480, height: 640, entryCount: 2, createdAt: 1000, updatedAt: 1002 });
    expect(await text(list[0].thumbnail)).toBe('thumb:a1');
    expect(list[1]).toMatchObject({ id: b.id, width: 640, height: 480, entryCount: 1 });
    expect(await text(list[1].thumbnail)).toBe('B:thumb:open');

    await a.undo(); // moving the cursor touches the project and its thumbnail/size follow the current entry
    const [first] = await b.listProjects();
    expect(first).toMatchObject({ id: a.id, width: 640, height: 480, entryCount: 2 });
    expect(await text(first.thumbnail)).toBe('A:thumb:open');

    await b.rename('Beach');
    expect((await b.listProjects()).map((p) => p.name)).toEqual(['Beach', 'A']);
  });
});

describe('deleteProject', () => {
  it('removes every key of that project and nothing of the other', async () => {
    const { conn, a, b } = await twoProjects();
    await a.commit(editInput('a1', { mask: new Blob(['m']) }));
    await a.commit(editInput('a2'));
    const aId = a.id!;
    const before = await allKeys(conn);
    const ofB = before.filter((k) => k[1] === b.id);
    expect(before.filter((k) => k[1] === aId)).toHaveLength(12); // project, original, 3 entries+thumbs, 2 images, 1 mask

    await b.deleteProject(aId);
    const after = await allKeys(conn);
    expect(after.filter((k) => JSON.stringify(k).includes(aId))).toEqual([]);
    expect(after.filter((k) => k[1] === b.id)).toEqual(ofB);
    expect((await b.listProjects()).map((p) => p.id)).toEqual([b.id]);
    expect(a.id).toBe(aId); // another instance had it open: only the instance that deletes closes
  });

  it('deleting the open project closes it and forgets it as last opened', async () => {
    const { conn, a, b } = await twoProjects();
    await b.deleteProject(b.id!);
    expect([b.id, b.entries.length, b.image]).toEqual([null, 0, null]);
    expect(await a.lastProjectId()).toBeNull();
    expect((await allKeys(conn)).every((k) => k[0] === 'meta' || k[1] === a.id)).toBe(true);
  });
});
