/**
 * Time per stage of understanding an instruction — describe, plan (Qwen2-VL), features (CLIP image +
 * patch projection + FLAN-T5), region head, CLIPSeg mask — through the real workers on the fixture
 * models (run `npm run fixtures` first), on each device; then the memory each model holds, from the
 * manifest's file sizes. Query: ?devices=webgpu,wasm&runs=3&vlmRuns=1
 */
import { type Dtype, MANIFEST, type Role, variantFor } from '../models/manifest.ts';
import { LanguageWorker } from '../workers/language/client.ts';
import { VisionWorker } from '../workers/vision/client.ts';
import { report, runBench, timeMedian } from './harness.ts';

const FIXTURES = '/models/fixtures/';
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const mb = (bytes: number | null) => (bytes === null ? 'unknown' : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`);

async function testImage(width: number, height: number): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#7a5';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#c84';
  ctx.beginPath();
  ctx.arc(width / 3, height / 2, height / 4, 0, 2 * Math.PI);
  ctx.fill();
  return createImageBitmap(canvas);
}

async function fixtureBytes(id: string, path: string): Promise<number | null> {
  const r = await fetch(`${FIXTURES}${id}/${path}`, { method: 'HEAD' });
  return r.ok ? Number(r.headers.get('content-length')) : null;
}

await runBench(async () => {
  const q = new URLSearchParams(location.search);
  const devices = (q.get('devices') ?? 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
  const runs = Number(q.get('runs') ?? 3);
  const vlmRuns = Number(q.get('vlmRuns') ?? 1);
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  const shaderF16 = !!adapter?.features.has('shader-f16');
  await report(`adapter: ${info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') : 'none'}${info?.isFallbackAdapter ? ' (fallback adapter)' : ''}; shader-f16: ${shaderF16}`);
  await report(`fixture models from ${FIXTURES}; image 640×480; median of ${runs} runs (VLM: ${vlmRuns}) after one warm-up; first call = load + run`);
  await report(`${pad('stage', 34)}${pad('device', 8)}${pad('first ms', 10)}${pad('median ms', 11)}notes`);
  const image = await testImage(640, 480);
  const instruction = 'replace the cookies with candles';
  const row = (stage: string, device: string, first: number, median: number, notes = '') => report(`${pad(stage, 34)}${pad(device, 8)}${pad(ms(first), 10)}${pad(ms(median), 11)}${notes}`);

  for (const device of devices) {
    const lang = new LanguageWorker({ localModelPath: FIXTURES, device, maxNewTokens: { describe: 16, plan: 32 } });
    try {
      let t = performance.now();
      const d = await lang.describe(image);
      const firstDescribe = performance.now() - t;
      let last = d;
      const describe = await timeMedian(async () => (last = await lang.describe(image)), vlmRuns, 0);
      await row('describe (VLM, ≤ 16 tokens)', device, firstDescribe, describe, `${last.tokens} tokens, ${ms(last.ms.generate / last.tokens)} ms/token incl. prefill`);
      t = performance.now();
      let p = await lang.plan(image, instruction, [], d.description);
      const firstPlan = performance.now() - t;
      const plan = await timeMedian(async () => (p = await lang.plan(image, instruction, [], d.description)), vlmRuns, 0);
      await row('plan (VLM, ≤ 32 tokens)', device, firstPlan, plan, `${p.tokens} tokens, ${ms(p.ms.generate / p.tokens)} ms/token incl. prefill; prompt ${p.prompt.length} chars`);
    } finally {
      lang.dispose();
    }

    const vision = new VisionWorker({ localModelPath: FIXTURES, device });
    try {
      let t = performance.now();
      const f = await vision.features(image, instruction);
      const first = performance.now() - t;
      const parts: Record<string, number[]> = { image: [], patches: [], instruction: [] };
      const features = await timeMedian(async () => {
        const r = await vision.features(image, instruction);
        for (const k of Object.keys(parts)) parts[k].push(r.ms[k as keyof typeof r.ms]);
      }, runs);
      const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
      await row('features (CLIP + projection + T5)', device, first, features, `image ${ms(med(parts.image))}, patches ${ms(med(parts.patches))}, instruction ${ms(med(parts.instruction))}${f.notes.length ? `; ${f.notes.join('; ')}` : ''}`);
      const plan = { kind: 'local' as const, instruction, target: 'the cookies', outpaint: null };
      t = performance.now();
      await vision.mask(image, plan, 'region-head');
      const firstRegion = performance.now() - t;
      let region = 0;
      let refine = 0;
      await timeMedian(async () => {
        const r = await vision.mask(image, plan, 'region-head');
        region = r.ms.region;
        refine = r.ms.refine;
      }, runs);
      await row('region head (16×16) + mask', device, firstRegion, region + refine, `head ${ms(region)}, refine to 640×480 ${ms(refine)} (features not counted)`);
      t = performance.now();
      await vision.mask(image, plan, 'clipseg');
      const firstSeg = performance.now() - t;
      const seg = await timeMedian(() => vision.mask(image, plan, 'clipseg'), runs);
      await row('CLIPSeg mask', device, firstSeg, seg, '352×352 map refined to 640×480');
    } finally {
      vision.dispose();
    }
  }

  await report('');
  await report('Memory each model holds (weights ≈ file size at the dtype the app picks on this device; activations and the KV cache come on top):');
  await report(`${pad('role', 13)}${pad('dtype', 7)}${pad('real files (manifest)', 24)}fixture files`);
  const roles: Role[] = ['vlm', 'clip-vision', 'clip-text', 't5-encoder', 'clipseg', 'region-head'];
  for (const role of roles) {
    const dtype: Dtype = variantFor(role, { shaderF16 });
    const spec = MANIFEST[role];
    const files = Object.values(spec.variants[dtype]?.files ?? {});
    const known = files.every((x) => x.bytes !== null);
    const real = known ? files.reduce((a, x) => a + (x.bytes ?? 0), 0) : null;
    const fixture = await Promise.all(files.map((x) => fixtureBytes(spec.variants[dtype]?.id ?? spec.id, x.path)));
    const note = role === 'vlm' && !known ? ' (per-file sizes not in the manifest; shared/REFERENCE.md: ≈ 2.7 GB in all at q4f16)' : role === 'region-head' ? ' (no trained weights yet; ≈ 4.9 M fp32 parameters ≈ 20 MB)' : '';
    await report(`${pad(role, 13)}${pad(dtype, 7)}${pad(mb(real), 24)}${mb(fixture.every((x) => x !== null) ? fixture.reduce((a: number, x) => a + (x ?? 0), 0) : null)}${note}`);
  }
});
