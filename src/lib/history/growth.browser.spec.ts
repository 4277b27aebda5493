/**
 * History storage that grows with what changed, end to end below the UI: real pixels through the
 * image worker, real IndexedDB. Each step is committed the way the editor commits it; the "old" image
 * of a step is what the previous code stored for it (a PNG of the whole result, encoded right after
 * the edit), and every rebuilt image must equal it, also after a reload with a cold cache.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { get, set } from 'idb-keyval';
import { extendCanvas, pasteBox } from '../../../workers/diffusion/images.ts';
import { ImageWorker } from '../image/image-worker.ts';
import { makePhoto, readPixels } from '../image/testing.ts';
import type { Applied, EditOp } from '../image/working-image.ts';
import { entryKey } from './keys.ts';
import { Project } from './project.svelte.ts';
import { freshDb, storeOf, tickingClock } from './testing.ts';
import type { EntryMeta, Extension, Rect } from './types.ts';

const workers: ImageWorker[] = [];
afterAll(() => workers.forEach((w) => w.dispose()));
const newWorker = () => {
  const w = new ImageWorker();
  workers.push(w);
  return w;
};

async function pngOf(image: ImageData): Promise<File> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return new File([await canvas.convertToBlob({ type: 'image/png' })], 'photo.png', { type: 'image/png' });
}

/** RGBA bytes of a stored image or a bitmap. */
async function rgba(image: Blob | ImageBitmap): Promise<Uint8ClampedArray> {
  const bitmap = image instanceof Blob ? await createImageBitmap(image) : image;
  const data = readPixels(bitmap).data;
  bitmap.close();
  return data;
}

/** Same bytes, said in one line when not (toEqual on 20 MB arrays prints too much). */
function expectSamePixels(got: Uint8ClampedArray, want: Uint8ClampedArray, what: string): void {
  expect(got.length, `${what}: size`).toBe(want.length);
  let diff = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) diff++;
  expect(diff, `${what}: differing bytes`).toBe(0);
}

const free = (a: Applied) => {
  a.display.close();
  a.preview?.close();
};

/** A project opened from a photo, with helpers that commit steps as the editor does. */
async function session(width: number, height: number, db = freshDb()) {
  const conn = db.connect();
  const store = storeOf(conn);
  const project = new Project({ store, now: tickingClock() });
  const worker = newWorker();
  const file = await pngOf(makePhoto(width, height, 7));
  const opened = await worker.openImage(file);
  await project.open({ name: 'photo.png', original: file, image: opened.image, thumbnail: opened.thumbnail, width: opened.width, height: opened.height });
  free(opened);
  await worker.label(project.image!.key);
  /** The image the old code stored for each step, by entry id. */
  const old = new Map<string, Blob>([[project.current!.id, file]]);
  const sizes: number[] = [await store.projectBytes(project.id!)];

  const after = async (applied: Applied) => {
    free(applied);
    await worker.label(project.image!.key);
    sizes.push(await store.projectBytes(project.id!));
  };
  return {
    db,
    conn,
    store,
    project,
    worker,
    old,
    sizes,
    /** A hand edit, as Editor.#edit commits it. */
    async edit(edit: Exclude<EditOp, { op: 'adjust' }>) {
      const applied = await worker.applyEdit(edit);
      const stored = await worker.encodeImage('image/png');
      const transform = edit.op === 'crop' ? { op: edit.op, rect: edit.rect } : edit;
      const entry = await project.commit({ op: edit.op, image: () => worker.encodeImage('image/png'), delta: { transform }, thumbnail: applied.thumbnail, width: applied.width, height: applied.height });
      old.set(entry.id, stored);
      await after(applied);
      return entry;
    },
    /** A generated result kept, as AiEdits.keepResult commits it: `fill` paints the box (extended first when `extend`). */
    async paint(box: Rect, fill: (i: number) => number, extend?: Extension) {
      const base = await worker.pixels();
      const canvas = extend ? extendCanvas(base, extend) : base;
      const patch = new Uint8Array(box.width * box.height * 4).map((_, i) => (i % 4 === 3 ? 255 : fill(i)));
      const applied = await worker.adopt({ data: pasteBox(canvas, patch, box), width: canvas.width, height: canvas.height }, box);
      const stored = await worker.encodeImage('image/png');
      const delta = { patch: applied.patch!, box, ...(extend ? { extend } : {}) };
      const entry = await project.commit({ op: extend ? 'outpaint' : 'inpaint', image: () => worker.encodeImage('image/png'), delta, thumbnail: applied.thumbnail, width: applied.width, height: applied.height });
      old.set(entry.id, stored);
      await after(applied);
      return { entry, patchBytes: applied.patch!.size, wholeBytes: stored.size };
    },
  };
}

/**
 * Every step of the project, rebuilt by `worker`, equals what the old code stored for it. Newest
 * first: on a fresh worker the first rebuild replays the whole chain from its keyframe.
 */
async function expectAllSteps(project: Project, worker: ImageWorker, old: Map<string, Blob>, what: string) {
  for (let i = project.entries.length - 1; i >= 0; i--) {
    const entry = project.entries[i];
    const rebuilt = await worker.renderImage(await project.imageAt(i));
    expectSamePixels(await rgba(rebuilt), await rgba(old.get(entry.id)!), `${what}, step ${i} (${entry.op})`);
  }
}

const hasImageRecord = async (s: Awaited<ReturnType<typeof session>>, e: EntryMeta) => (await get(entryKey('image', s.project.id!, e.id), s.conn)) !== undefined;

describe('history storage that grows with what changed', () => {
  it('rotations, flips and crops store no image, and rebuild pixel for pixel, also after a reload', async () => {
    const s = await session(640, 480);
    const steps = [
      await s.edit({ op: 'rotate', direction: 'cw' }),
      await s.edit({ op: 'flip', axis: 'horizontal' }),
      await s.edit({ op: 'crop', rect: { x: 30, y: 50, width: 400, height: 333 } }),
      await s.edit({ op: 'rotate', direction: 'ccw' }),
      await s.edit({ op: 'flip', axis: 'vertical' }),
    ];
    for (const e of steps) {
      expect(e.storage.kind).toBe('transform');
      expect(await hasImageRecord(s, e)).toBe(false);
    }
    // What each step added: its metadata's thumbnail only (a WebP of at most 160 px), no pixels.
    const growth = s.sizes.slice(1).map((b, i) => b - s.sizes[i]);
    for (const g of growth) expect(g).toBeLessThan(12_000);
    await expectAllSteps(s.project, s.worker, s.old, 'warm');

    // A reload: new project state, new worker with nothing cached.
    const project = new Project({ store: storeOf(s.db.connect()) });
    await project.load(s.project.id!);
    expect(project.bytes).toBe(s.sizes.at(-1));
    await expectAllSteps(project, newWorker(), s.old, 'after reload');
  });

  it('an inpainted 256×256 box in a 6-MP photo stores about the box, and rebuilds exactly', async () => {
    const s = await session(3000, 2000);
    const box = { x: 1234, y: 777, width: 256, height: 256 };
    const { entry, patchBytes, wholeBytes } = await s.paint(box, (i) => (i * 7 + (i >> 10)) % 256);
    expect(entry.storage).toEqual({ kind: 'patch', from: s.project.entries[0].id, box });
    const stored = (await get(entryKey('image', s.project.id!, entry.id), s.conn)) as Blob;
    expect(stored.size).toBe(patchBytes);
    // At most the raw box (PNG overhead aside), where the old code stored the whole photo.
    expect(stored.size).toBeLessThan(256 * 256 * 4 + 4096);
    expect(wholeBytes).toBeGreaterThan(50 * stored.size);
    expect(s.sizes[1] - s.sizes[0]).toBeLessThan(stored.size + 12_000);
    await expectAllSteps(s.project, s.worker, s.old, 'warm');
    const project = new Project({ store: storeOf(s.db.connect()) });
    await project.load(s.project.id!);
    await expectAllSteps(project, newWorker(), s.old, 'after reload');
  });

  it('mixed chains (turn, paste, extend, crop) rebuild exactly; a patch over half the image is stored whole', async () => {
    const s = await session(300, 200);
    await s.edit({ op: 'rotate', direction: 'cw' });
    await s.paint({ x: 10, y: 20, width: 40, height: 30 }, (i) => i % 251);
    const out = await s.paint({ x: 0, y: 0, width: 60, height: 340 }, (i) => (i * 3) % 256, { left: 40, top: 10, right: 0, bottom: 30 });
    expect(out.entry.storage.kind).toBe('patch');
    expect([out.entry.width, out.entry.height]).toEqual([240, 340]);
    await s.edit({ op: 'crop', rect: { x: 5, y: 5, width: 200, height: 300 } });
    await s.edit({ op: 'flip', axis: 'vertical' });
    const big = await s.paint({ x: 0, y: 0, width: 200, height: 200 }, (i) => (i * 5) % 256);
    expect(big.entry.storage).toEqual({ kind: 'image' });
    await expectAllSteps(s.project, s.worker, s.old, 'warm');
    const project = new Project({ store: storeOf(s.db.connect()) });
    await project.load(s.project.id!);
    await expectAllSteps(project, newWorker(), s.old, 'after reload');
  });

  it('a new edit after undo deletes the redo branch, never a step a kept one is rebuilt from', async () => {
    const s = await session(320, 240);
    const a = await s.edit({ op: 'rotate', direction: 'cw' });
    const { entry: b } = await s.paint({ x: 8, y: 8, width: 32, height: 32 }, (i) => i % 200);
    const c = await s.edit({ op: 'flip', axis: 'horizontal' });
    await s.project.undo();
    await s.project.undo();
    expect(s.project.current?.id).toBe(a.id);
    await s.worker.showImage(s.project.image!);
    const d = await s.edit({ op: 'rotate', direction: 'ccw' });
    expect(d.storage).toEqual({ kind: 'transform', from: a.id, transform: { op: 'rotate', direction: 'ccw' } });
    for (const gone of [b, c]) expect(await get(entryKey('entry', s.project.id!, gone.id), s.conn)).toBeUndefined();
    expect(await get(entryKey('image', s.project.id!, b.id), s.conn)).toBeUndefined();
    const project = new Project({ store: storeOf(s.db.connect()) });
    const report = await project.load(s.project.id!);
    expect(report.lost).toEqual([]);
    expect(project.entries.map((e) => e.id)).toEqual([s.project.entries[0].id, a.id, d.id]);
    await expectAllSteps(project, newWorker(), s.old, 'after reload');
  });

  it('"Remove older steps" makes the current step a full first step and keeps the later ones', async () => {
    const s = await session(320, 240);
    await s.edit({ op: 'rotate', direction: 'cw' });
    await s.paint({ x: 8, y: 8, width: 32, height: 32 }, (i) => i % 200);
    const keep = await s.edit({ op: 'flip', axis: 'horizontal' });
    const later = await s.edit({ op: 'rotate', direction: 'cw' });
    await s.project.undo();
    await s.worker.showImage(s.project.image!);
    const before = s.project.bytes!;
    const dropped = s.project.entries.slice(0, 3).map((e) => e.id);
    expect(await s.project.removeOlderSteps(() => s.worker.encodeImage('image/png'))).toBe(3);
    expect(s.project.entries.map((e) => e.id)).toEqual([keep.id, later.id]);
    expect([s.project.cursor, s.project.entries[0].storage]).toEqual([0, { kind: 'image', start: true }]);
    expect(await hasImageRecord(s, keep)).toBe(true);
    for (const id of dropped) expect(await get(entryKey('entry', s.project.id!, id), s.conn)).toBeUndefined();
    expect(s.project.bytes).not.toBe(before);
    await expectAllSteps(s.project, s.worker, s.old, 'warm');
    const project = new Project({ store: storeOf(s.db.connect()) });
    await project.load(s.project.id!);
    expect(project.entries.map((e) => e.id)).toEqual([keep.id, later.id]);
    await expectAllSteps(project, newWorker(), s.old, 'after reload');
    // Repair (as for a lost record) still finds where the project starts.
    await set(['project', s.project.id!], 'damaged', s.conn);
    const repaired = await storeOf(s.db.connect()).repair(s.project.id!, 99);
    expect(repaired.entryIds).toEqual([keep.id, later.id]);
  });

  it('a project saved before steps were stored as changes (a full PNG per step, no storage field) still opens', async () => {
    const db = freshDb();
    const conn = db.connect();
    const worker = newWorker();
    const first = await pngOf(makePhoto(200, 100, 3));
    const second = await pngOf(makePhoto(100, 200, 4));
    const legacy = (id: string, op: string, image: boolean, w: number, h: number) => ({ id, op, params: {}, time: 1, width: w, height: h, hasMask: false, imageIsOriginal: image });
    await set(['project', 'old'], { id: 'old', name: 'old.png', createdAt: 1, updatedAt: 2, entryIds: ['e0', 'e1'], cursor: 1, width: 100, height: 200 }, conn);
    await set(['original', 'old'], first, conn);
    await set(['entry', 'old', 'e0'], legacy('e0', 'open', true, 200, 100), conn);
    await set(['entry', 'old', 'e1'], legacy('e1', 'rotate', false, 100, 200), conn);
    await set(['image', 'old', 'e1'], second, conn);
    await set(['thumb', 'old', 'e0'], new Blob(['t']), conn);
    await set(['thumb', 'old', 'e1'], new Blob(['t']), conn);
    const project = new Project({ store: storeOf(conn) });
    expect((await project.load('old')).lost).toEqual([]);
    expect(project.entries.map((e) => e.storage)).toEqual([{ kind: 'image' }, { kind: 'image' }]);
    await expectAllSteps(project, worker, new Map([['e0', first], ['e1', second]]), 'legacy');
    expect(project.bytes).toBe(first.size + second.size + 2);
  });
});
