import { afterEach, describe, expect, it } from 'vitest';
import { StorageFullError } from './errors.ts';
import { Project } from './project.svelte.ts';
import { freshBucket, overrideQuota, usageAndQuota } from './quota-testing.ts';
import { allKeys, bytes, editInput, openInput, randomBlob, storeOf, text } from './testing.ts';

/*
 * Sizes follow what Chromium measurably does with IndexedDB blobs under a quota: a write of S bytes
 * is checked against usage that may already count those S bytes (so it can need 2·S free), and a
 * refused blob stays counted in usage afterwards. Each number below leaves room for both.
 */
const MiB = 1024 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await overrideQuota();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A fresh bucket, then this origin's real quota set to what is used now plus `headroom`. */
async function tightStorage(headroom: number) {
  const bucket = await freshBucket();
  cleanups.push(bucket.dispose);
  const quota = (await usageAndQuota()).usage + headroom;
  await overrideQuota(quota);
  expect(await usageAndQuota()).toMatchObject({ quota, overrideActive: true });
  return bucket;
}

describe('full storage (real quota through the DevTools protocol)', () => {
  it('a commit over quota throws StorageFullError, keeps memory and disk as they were, and can be retried', async () => {
    const bucket = await tightStorage(1 * MiB);
    const conn = bucket.connect();
    const project = new Project({ store: storeOf(conn) });
    await project.open(openInput('q'));
    await project.commit(editInput('a'));
    await project.commit(editInput('b'));
    await project.undo(); // leaves a redo branch ('b') that a successful commit would delete
    const entriesBefore = project.entries;
    const imageBefore = project.image;
    const keysBefore = await allKeys(conn);

    const big = editInput('big', { image: randomBlob(2 * MiB) });
    const error = await project.commit(big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as Error).message).toMatch(/^Storage is full: .*free space by deleting old projects/);
    expect(((error as Error).cause as DOMException).name).toBe('QuotaExceededError');

    // Memory not advanced; on disk the one transaction rolled back whole (no half entry, redo branch kept).
    expect(project.entries).toBe(entriesBefore);
    expect(project.cursor).toBe(1);
    expect(project.image).toBe(imageBefore);
    expect(project.canRedo).toBe(true);
    expect(await allKeys(conn)).toEqual(keysBefore);

    // A reload while still full finds the last saved state.
    const reloaded = new Project({ store: storeOf(bucket.connect()) });
    await reloaded.load((await reloaded.lastProjectId())!);
    expect(reloaded.entries).toEqual(entriesBefore);
    expect(reloaded.cursor).toBe(1);
    expect(await text(reloaded.image)).toBe('image:a');
    expect(await bytes(await reloaded.original())).toEqual(await bytes(openInput('q').original));

    // Undo and redo keep working while full.
    await project.redo();
    expect([project.cursor, await text(project.image)]).toEqual([2, 'image:b']);
    await project.undo();

    // With room again the same commit goes through and drops the redo branch.
    await overrideQuota();
    const entry = await project.commit(big);
    expect(project.entries.map((e) => e.id)).toEqual([entriesBefore[0].id, entriesBefore[1].id, entry.id]);
    const after = new Project({ store: storeOf(bucket.connect()) });
    await after.load(project.id!);
    expect([after.cursor, (await bytes(after.image)).length]).toEqual([2, 2 * MiB]);
  });

  it('after deleting an old project the same commit fits under the same quota', async () => {
    // Old project: 12 edits of 0.5 MiB (small writes, each fits even when counted twice).
    const bucket = await tightStorage(7.25 * MiB);
    const store = storeOf(bucket.connect());
    const old = new Project({ store });
    await old.open(openInput('old'));
    for (let i = 0; i < 12; i++) await old.commit(editInput(`old${i}`, { image: randomBlob(0.5 * MiB) }));
    const project = new Project({ store });
    await project.open(openInput('new'));

    // About 1.2 MiB is left: 2 MiB cannot fit, however Chromium counts it.
    const big = editInput('big', { image: randomBlob(2 * MiB) });
    await expect(project.commit(big)).rejects.toBeInstanceOf(StorageFullError);
    expect(project.entries).toHaveLength(1);

    await project.deleteProject(old.id!);
    const entry = await project.commit(big);
    expect(project.current).toEqual(entry);
    expect((await bytes(project.image)).length).toBe(2 * MiB);
    expect((await project.listProjects()).map((p) => p.name)).toEqual(['new']);
  });
});
