/**
 * Storage growth per history step at 6000×4000 (a 24-MP photo): bytes each step adds to IndexedDB,
 * beside what the previous code stored for the same step (a PNG of the whole result), and the time to
 * rebuild the last step after a reload (cold cache). Steps are committed the way the editor commits
 * them (src/lib/editor/editor.svelte.ts #edit, ai-edits.svelte.ts keepResult), through the real image
 * worker and a fresh IndexedDB database. The photo is synthetic but compresses like a camera photo
 * (≈ 2.2 bytes a pixel as PNG). Query: ?w=6000&h=4000.
 */
import { createStore } from 'idb-keyval';
import { pasteBox } from '../workers/diffusion/images.ts';
import { HistoryStore } from '../src/lib/history/store.ts';
import { Project } from '../src/lib/history/project.svelte.ts';
import type { EntryMeta, StepDelta } from '../src/lib/history/types.ts';
import { ImageWorker } from '../src/lib/image/image-worker.ts';
import { makePhoto } from '../src/lib/image/testing.ts';
import type { Applied, EditOp } from '../src/lib/image/working-image.ts';
import { report, runBench } from './harness.ts';

const params = new URLSearchParams(location.search);
const W = Number(params.get('w') ?? 6000);
const H = Number(params.get('h') ?? 4000);
const MB = (n: number) => `${(n / 1e6).toFixed(n < 1e6 ? 3 : 1)} MB`;
const pad = (s: string | number, n: number) => String(s).padEnd(n);

runBench(async () => {
  const dbName = `bench-history-${crypto.randomUUID()}`;
  const store = new HistoryStore(createStore(dbName, 'projects'));
  const project = new Project({ store });
  const worker = new ImageWorker();
  try {
    await report(`History storage per step, ${W}×${H} (${((W * H) / 1e6).toFixed(1)} MP), fresh IndexedDB, real image worker`);
    // The photo as the user would open it: a JPEG, as cameras write.
    const canvas = new OffscreenCanvas(W, H);
    canvas.getContext('2d')!.putImageData(makePhoto(W, H, 11), 0, 0);
    const jpeg = new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })], 'photo.jpg', { type: 'image/jpeg' });
    const opened = await worker.openImage(jpeg);
    await project.open({ name: 'photo.jpg', original: jpeg, image: opened.image, thumbnail: opened.thumbnail, width: opened.width, height: opened.height });
    opened.display.close();
    opened.preview?.close();
    await worker.label(project.image!.key);
    await report(`opened: source JPEG ${MB(jpeg.size)}; project stores ${MB(project.bytes!)}`);
    await report('');
    await report(`${pad('step', 22)}${pad('stored as', 11)}${pad('bytes added', 14)}${pad('old code', 14)}${pad('old/new', 9)}save ms`);

    const rows: { op: string; added: number; old: number }[] = [];
    /** The old code's record of the current working image: a PNG of the whole of it. */
    const oldBytes = async () => (await worker.encodeImage('image/png')).size;
    const oldCache = new Map<string, number>();

    async function step(label: string, kind: string, run: () => Promise<{ applied: Applied; commit: (t0: number) => Promise<EntryMeta> }>) {
      const before = project.bytes!;
      const { applied, commit } = await run();
      const t0 = performance.now();
      const entry = await commit(t0);
      const ms = performance.now() - t0;
      applied.display.close();
      applied.preview?.close();
      await worker.label(project.image!.key);
      const added = project.bytes! - before;
      // Encoding the whole image takes seconds at 24 MP: once per kind of step (each is a whole photo).
      const old = oldCache.get(kind) ?? (await oldBytes());
      oldCache.set(kind, old);
      rows.push({ op: kind, added, old });
      await report(`${pad(label, 22)}${pad(entry.storage.kind, 11)}${pad(MB(added), 14)}${pad(MB(old), 14)}${pad(`${(old / added).toFixed(0)}×`, 9)}${ms.toFixed(0)}`);
    }

    const whole = () => worker.encodeImage('image/png');
    const edit = (label: string, e: EditOp) =>
      step(label, e.op, async () => {
        const applied = await worker.applyEdit(e);
        const delta: StepDelta | undefined = e.op === 'adjust' ? undefined : { transform: e.op === 'crop' ? { op: 'crop', rect: e.rect } : e };
        return { applied, commit: () => project.commit({ op: e.op, image: whole, delta, thumbnail: applied.thumbnail, width: applied.width, height: applied.height }) };
      });
    /** A generated result kept: a photo-like `side`² box at (fx, fy) of the image, as AiEdits.keepResult commits it. */
    const inpaint = (label: string, side: number, fx: number, fy: number) =>
      step(label, `inpaint ${side}²`, async () => {
        const base = await worker.pixels();
        const [x, y] = [Math.round(fx * (base.width - side)), Math.round(fy * (base.height - side))];
        const box = { x, y, width: side, height: side };
        const patch = new Uint8Array(makePhoto(side, side, x + y + 1).data.buffer);
        const applied = await worker.adopt({ data: pasteBox(base, patch, box), width: base.width, height: base.height }, box);
        return { applied, commit: () => project.commit({ op: 'inpaint', image: whole, delta: { patch: applied.patch!, box }, thumbnail: applied.thumbnail, width: applied.width, height: applied.height }) };
      });

    await edit('rotate right', { op: 'rotate', direction: 'cw' });
    await edit('flip horizontal', { op: 'flip', axis: 'horizontal' });
    await edit('rotate left', { op: 'rotate', direction: 'ccw' });
    await edit('adjust (exposure)', { op: 'adjust', adjustments: { exposure: 0.3 } });
    await inpaint('inpaint 512² box', 512, 0.2, 0.25);
    await inpaint('inpaint 1024² box', 1024, 0.6, 0.5);
    await edit('crop', { op: 'crop', rect: { x: 100, y: 100, width: W - 300, height: H - 200 } });
    await inpaint('inpaint 512² box', 512, 0.05, 0.1);

    await report('');
    const total = rows.reduce((n, r) => n + r.added, 0);
    const oldTotal = rows.reduce((n, r) => n + r.old, 0);
    await report(`${rows.length} steps: ${MB(total)} stored, where the old code stored ${MB(oldTotal)} (${(oldTotal / total).toFixed(1)}× less now)`);
    const perKind = new Map<string, number[]>();
    for (const r of rows) perKind.set(r.op, [...(perKind.get(r.op) ?? []), r.added]);
    await report(`bytes per step: ${[...perKind].map(([k, v]) => `${k} ${MB(v.reduce((a, b) => a + b, 0) / v.length)}`).join(', ')}`);

    // A reload: nothing cached; the last step is rebuilt from its keyframe (the adjust) and the steps after it.
    const cold = new ImageWorker();
    try {
      const reloaded = new Project({ store: new HistoryStore(createStore(dbName, 'projects')) });
      await reloaded.load(project.id!);
      const image = reloaded.image!;
      const t0 = performance.now();
      const shown = await cold.showImage(image);
      const ms = performance.now() - t0;
      shown.display.close();
      shown.preview?.close();
      await report(`rebuild of the last step after a reload (keyframe decode + ${image.steps.length} steps): ${ms.toFixed(0)} ms`);
      const t1 = performance.now();
      const back = await cold.showImage(await reloaded.imageAt(reloaded.cursor - 1));
      await report(`…then the step before it (undo): ${(performance.now() - t1).toFixed(0)} ms`);
      back.display.close();
      back.preview?.close();
    } finally {
      cold.dispose();
    }
  } finally {
    worker.dispose();
    indexedDB.deleteDatabase(dbName);
  }
});
