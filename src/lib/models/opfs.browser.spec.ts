// The main-thread writer (createWritable) commits at checkpoints, so a tab closed mid-download keeps
// what was committed for the resume instead of losing the whole attempt with the swap file.
import { afterEach, describe, expect, it } from 'vitest';
import { openWriter } from './opfs.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function freshFile(): Promise<FileSystemFileHandle> {
  const opfs = await navigator.storage.getDirectory();
  const name = `opfs-test-${crypto.randomUUID()}`;
  cleanups.push(() => opfs.removeEntry(name, { recursive: true }));
  const dir = await opfs.getDirectoryHandle(name, { create: true });
  return dir.getFileHandle('part', { create: true });
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const stored = async (h: FileSystemFileHandle) => new Uint8Array(await (await h.getFile()).arrayBuffer());

describe('openWriter on the main thread', () => {
  it('runs here without sync access handles (the path a page download takes)', async () => {
    const handle = await freshFile();
    expect(typeof (handle as { createSyncAccessHandle?: unknown }).createSyncAccessHandle).toBe('undefined');
  });

  it('commits at doubling checkpoints: what another reader (a reloaded page) sees before close', async () => {
    const handle = await freshFile();
    const parts = [bytes(600, 1), bytes(600, 2), bytes(600, 3), bytes(700, 4)];
    const all = new Uint8Array(2500);
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    const w = await openWriter(handle, 0, { checkpointBytes: 1000 });
    const seen: number[] = [];
    for (const p of parts) {
      await w.write(p);
      seen.push((await handle.getFile()).size);
    }
    // 600: below the 1000-byte minimum; 1200: committed; 1800: 600 since < the 1200 held; 2500: 1300 since ≥ 1200.
    expect(seen).toEqual([0, 1200, 1200, 2500]);
    expect(await stored(handle)).toEqual(all);
    await w.close();
    expect(await stored(handle)).toEqual(all);
  });

  it('appends after a checkpoint from the committed end, and a resume at an offset keeps the bytes before it', async () => {
    const handle = await freshFile();
    const first = await openWriter(handle, 0, { checkpointBytes: 100 });
    await first.write(bytes(150, 5)); // committed at once (150 ≥ 100)
    await first.write(bytes(50, 6)); // in the swap file only: lost if the tab closes now
    expect((await handle.getFile()).size).toBe(150);
    // The page is gone without close(): a new page resumes from what was committed.
    const resumed = await openWriter(handle, 150, { checkpointBytes: 100 });
    await resumed.write(bytes(70, 7));
    await resumed.close();
    const expected = new Uint8Array(220);
    expected.set(bytes(150, 5));
    expected.set(bytes(70, 7), 150);
    expect(await stored(handle)).toEqual(expected);
    await first.close().catch(() => {}); // the abandoned stream (a closed tab never gets here)
  });
});
