/**
 * Model runtime figures: ORT start-up, then per fixture model (at the dtype this device gets) the
 * first WebGPU session's creation time, its first and second run, and the wasm session's creation
 * time; then the estimated GPU memory of the default real model set per stage, from the manifest,
 * and the estimated peak per stage of an inpainting edit under the page's GPU plan (gpu-plan.ts).
 * Fixture models are tiny stand-ins (models/README.md): creation time here is dominated by ORT's
 * fixed costs and graph size, not by weights.
 */
import { STAGE_ROLES, type Stage, WORKSPACE_FACTOR, estimate, stageEstimate } from '../models/gpu-memory.ts';
import { MANIFEST, filesFor, variantFor } from '../models/manifest.ts';
import { SESSION_CASES, toFeeds } from '../scripts/fixtures/test-inputs.ts';
import { describeGpu, probeCapabilities } from '../workers/runtime/capabilities.ts';
import { runtimeGpu } from '../workers/runtime/device.ts';
import { type Feed } from '../workers/runtime/feeds.ts';
import { ort } from '../workers/runtime/ort.ts';
import { DEFAULT_GPU_BUDGET } from '../workers/runtime/residency.ts';
import { ModelSession } from '../workers/runtime/session.ts';
import { sdFixtureGraph } from '../workers/runtime/test-models.ts';
import type { GraphPart } from '../models/build/official.ts';
import { report, runBench } from './harness.ts';
import { GpuPlan, type PlanWorkerName } from '../src/lib/editor/gpu-plan.ts';
import { GIB, defaultBudget, stageCosts } from '../src/lib/models/gpu-budget.ts';
import { locateStage } from '../models/gpu-memory.ts';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const ms = (x: number) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
const gb = (bytes: number) => (bytes / 1e9).toFixed(2);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

async function sessionRows(): Promise<void> {
  const caps = await probeCapabilities();
  await report(`onnxruntime-web ${ort.env.versions.web}; ${describeGpu(caps)}; shader-f16 ${caps.shaderF16 ? 'yes' : 'no'}`);
  const [, start] = await timed(() => runtimeGpu());
  await report(`ORT start (wasm instance, WebGPU device, keep-alive session): ${ms(start)} ms\n`);
  await report(`${pad('fixture session', 34)}${pad('dtype', 7)}${pad('KB', 7)}${pad('create GPU', 12)}${pad('1st run', 10)}${pad('2nd run', 10)}create wasm (ms)`);
  for (const c of SESSION_CASES) {
    const dtype = variantFor(c.role, caps);
    const { id, variant } = filesFor(c.role, dtype);
    const url = `/models/fixtures/${id}/${variant.files[c.session].path}`;
    // Built roles: the graph models/build writes from the fixture's official folder, weights by URL.
    const built = MANIFEST[c.role].loader.kind === 'build' ? await sdFixtureGraph(dtype as 'fp32' | 'fp16', c.session as GraphPart) : null;
    const response = built ? null : await fetch(url);
    if (response && (!response.ok || response.headers.get('content-type')?.includes('text/html'))) {
      await report(`${pad(`${c.role}/${c.session}`, 34)}${pad(dtype, 7)}no fixture at ${url}`);
      continue;
    }
    const bytes = built ? built.model : new Uint8Array(await response!.arrayBuffer());
    const externalData = built?.externalData;
    const layout = c.role === 'sd-inpaint' && c.session === 'unet' ? 'NCHW' : undefined;
    const feeds = toFeeds(c.inputs(), variant.ioFloat) as Record<string, Feed>;
    const [gpu, create] = await timed(() => ModelSession.create(bytes, { name: `${c.role}/${c.session}`, preferredLayout: layout, outputLocation: 'cpu', externalData }));
    const [, first] = await timed(() => gpu.run(feeds));
    const [, second] = await timed(() => gpu.run(feeds));
    await gpu.dispose();
    const [cpu, createCpu] = await timed(() => ModelSession.create(bytes, { ep: 'wasm', externalData }));
    await cpu.dispose();
    const where = gpu.placement.ep === 'webgpu' ? '' : ` (${gpu.placement.reason})`;
    await report(`${pad(`${c.role}/${c.session}`, 34)}${pad(dtype, 7)}${pad(Math.round(bytes.length / 1024), 7)}${pad(ms(create), 12)}${pad(ms(first), 10)}${pad(ms(second), 10)}${ms(createCpu)}${where}`);
  }
}

async function memoryRows(): Promise<void> {
  await report(`\nEstimated GPU memory of the default real model set (weights from the manifest × 1.25), budget ${gb(DEFAULT_GPU_BUDGET)} GB`);
  for (const shaderF16 of [false, true]) {
    await report(`\n${shaderF16 ? 'with' : 'without'} shader-f16`);
    for (const stage of Object.keys(STAGE_ROLES) as Stage[]) {
      const s = stageEstimate(stage, { shaderF16 });
      await report(`  ${pad(stage, 16)}${pad(`${gb(s.gpuBytes)} GB`, 10)}${s.models.map((m) => `${m.role} ${m.dtype} ${gb(m.gpuBytes)}${m.assumed ? '*' : ''}`).join(', ')}`);
    }
    const dtype = shaderF16 ? 'fp16' : 'fp32';
    const parts = Object.keys(MANIFEST['sd-inpaint'].sessions).map((p) => estimate('sd-inpaint', dtype, p));
    await report(`  ${pad('  sd-inpaint', 16)}${pad('', 10)}${parts.map((p) => `${p.session} ${gb(p.gpuBytes)}`).join(', ')}`);
  }
  await report('  * size assumed or unverified (models/gpu-memory.ts); which stages stay resident together is the GPU plan\'s decision (below)');
}

const gib = (bytes: number) => (bytes / GIB).toFixed(2);
/** The issue's goal for a 512² inpainting edit with the real fp16 set. */
const GOAL = 3.5 * GIB;

/**
 * plan → locate → generate → next plan through the real GpuPlan with workers that only record
 * releases: what each stage holds and the estimated peak. Sizes are estimates (manifest sizes ×
 * WORKSPACE_FACTOR); the UNet's activations at 512² are inside that factor, unmeasured.
 */
async function planRows(): Promise<void> {
  const caps = await probeCapabilities();
  const guess = defaultBudget(caps, (navigator as { deviceMemory?: number }).deviceMemory);
  await report(`\nEstimated peak per stage of a 512² inpainting edit under the GPU plan (GiB; estimates: manifest sizes × ${WORKSPACE_FACTOR})`);
  await report(`this device's default budget: ${gib(guess.bytes)} GiB (${guess.why})`);
  const edit = ['understand', locateStage(), 'generate', 'understand'] as const;
  const goal = { peak: 0, together: false, refused: '' };
  for (const shaderF16 of [true, false]) {
    const costs = stageCosts({ shaderF16 });
    for (const budget of new Set([GOAL, guess.bytes, 6 * GIB])) {
      const released: string[] = [];
      const noop = (w: PlanWorkerName) => ({ release: async () => void released.push(w) });
      const plan = new GpuPlan({ workers: { language: noop('language'), vision: noop('vision'), diffusion: noop('diffusion') }, budget, costs });
      const cells: string[] = [];
      let together = false;
      for (const stage of edit) {
        released.length = 0;
        try {
          await plan.run(stage, async () => {});
        } catch (e) {
          cells.push(`${stage} refused`);
          if (shaderF16 && budget === GOAL) goal.refused = (e as Error).message;
          break;
        }
        const holds = (['language', 'vision', 'diffusion'] as const).filter((w) => plan.holding(w) > 0);
        together ||= holds.includes('language') && holds.includes('diffusion');
        cells.push(`${stage} ${gib(plan.used)}${released.length ? ` (released ${released.join(', ')})` : ''}`);
      }
      if (shaderF16 && budget === GOAL) Object.assign(goal, { peak: plan.peak, together });
      await report(`  ${shaderF16 ? 'fp16 set   ' : 'no-f16 set '} budget ${gib(budget)}: ${cells.join(' → ')}; peak ${gib(plan.peak)}${together ? '; planner and UNet held together' : ''}`);
    }
  }
  const verdict = goal.refused ? `NOT met: ${goal.refused}` : goal.peak <= GOAL && !goal.together ? 'met' : 'NOT met';
  await report(`goal ≤ ${gib(GOAL)} GiB for a 512² inpainting edit with the fp16 set: ${verdict} by the estimates (peak ${gib(goal.peak)} GiB, the planner and the UNet ${goal.together ? '' : 'never '}held together)`);
}

await runBench(async () => {
  // `node scripts/bench/run.mjs sessions memory`: the memory figures alone (no session is created).
  if (!new URLSearchParams(location.search).has('memory')) await sessionRows();
  await memoryRows();
  await planRows();
});
