import { describe, expect, it } from 'vitest';
import { WorkerDiedError } from '../../../workers/bridge/watchdog.ts';
import { GIB, stageCosts } from '../models/gpu-budget.ts';
import { GpuBudgetError, GpuPlan, type PlanWorkerName, type Stage, STAGE_WORKER } from './gpu-plan.ts';

/** Three fake worker clients that record, in one log, when a stage loads and when a release finishes. */
function fakes() {
  const log: string[] = [];
  const worker = (name: PlanWorkerName) => ({
    async release() {
      log.push(`release ${name}`);
      // A release takes time: the next stage must wait for it.
      await new Promise((r) => setTimeout(r, 5));
      log.push(`released ${name}`);
    },
  });
  return { log, workers: { language: worker('language'), vision: worker('vision'), diffusion: worker('diffusion') } };
}

/** plan → locate → generate → next plan, as an inpainting edit runs them. */
const EDIT: Stage[] = ['understand', 'locate-clipseg', 'generate', 'understand'];

async function runEdit(plan: GpuPlan, log: string[], stages: Stage[] = EDIT): Promise<string[][]> {
  const held: string[][] = [];
  for (const stage of stages) {
    await plan.run(stage, async () => {
      log.push(`load ${STAGE_WORKER[stage]}`);
    });
    held.push((['language', 'vision', 'diffusion'] as const).filter((w) => plan.holding(w) > 0));
  }
  return held;
}

// The real fp16 set's estimates (models/gpu-memory.ts): VLM 3.14 GiB, CLIPSeg 0.16 GiB, SD 2.48 GiB.
const F16 = stageCosts({ shaderF16: true });

describe('GpuPlan across the three workers', () => {
  it('uses the real fp16 estimates', () => {
    expect(F16.understand!.bytes / GIB).toBeCloseTo(3.14, 2);
    expect(F16['locate-clipseg']!.bytes / GIB).toBeCloseTo(0.16, 2);
    expect(F16.generate!.bytes / GIB).toBeCloseTo(2.48, 2);
  });

  it('releases nothing when the budget holds every stage', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 8 * GIB, costs: F16 });
    const held = await runEdit(plan, log);
    expect(log).toEqual(['load language', 'load vision', 'load diffusion', 'load language']);
    expect(held.at(-1)).toEqual(['language', 'vision', 'diffusion']);
    expect(plan.peak).toBe(F16.understand!.bytes + F16['locate-clipseg']!.bytes + F16.generate!.bytes); // 5.79 GiB
  });

  it('under 3.5 GiB releases the planner before the UNet and the UNet before the planner, keeping CLIPSeg', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 3.5 * GIB, costs: F16 });
    const held = await runEdit(plan, log);
    expect(log).toEqual([
      'load language',
      'load vision', // 3.14 + 0.16 fits
      'release language', // the UNet cannot sit beside the planner; CLIPSeg can stay
      'released language',
      'load diffusion',
      'release diffusion', // the planner again: SD goes (needed furthest ahead), CLIPSeg stays
      'released diffusion',
      'load language',
    ]);
    expect(held).toEqual([['language'], ['language', 'vision'], ['vision', 'diffusion'], ['language', 'vision']]);
    expect(plan.peak).toBeLessThanOrEqual(3.5 * GIB);
    expect(plan.peak).toBe(F16.understand!.bytes + F16['locate-clipseg']!.bytes); // 3.30 GiB
  });

  it('when only one stage fits at a time, releases furthest-next-use first, each release awaited before the load', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 3.2 * GIB, costs: F16 });
    await runEdit(plan, log);
    expect(log).toEqual([
      'load language',
      'release language', // 3.14 + 0.16 > 3.2
      'released language',
      'load vision',
      'load diffusion', // 0.16 + 2.48 fits
      'release diffusion', // before the next plan: SD is needed last (after locate), so it goes first …
      'released diffusion',
      'release vision', // … and 3.14 + 0.16 still does not fit
      'released vision',
      'load language',
    ]);
    expect(plan.peak).toBeLessThanOrEqual(3.2 * GIB);
  });

  it('never holds the planner and the UNet together under a budget that cannot fit both', async () => {
    for (const budget of [3.2, 3.5, 4, 5, 5.6]) {
      const { log, workers } = fakes();
      const plan = new GpuPlan({ workers, budget: budget * GIB, costs: F16 });
      const held = await runEdit(plan, log, [...EDIT, 'locate-clipseg', 'generate', 'understand']);
      for (const h of held) expect(h.includes('language') && h.includes('diffusion'), `${budget} GiB: ${h}`).toBe(false);
      expect(plan.peak).toBeLessThanOrEqual(budget * GIB);
    }
  });

  it('refuses a stage that alone exceeds the budget, before anything loads or is released', async () => {
    const { log, workers } = fakes();
    const f32 = stageCosts({ shaderF16: false }); // SD fp32: 4.97 GiB
    const plan = new GpuPlan({ workers, budget: 4 * GIB, costs: f32 });
    await plan.run('understand', async () => void log.push('load language'));
    const refused = plan.run('generate', async () => void log.push('load diffusion'));
    await expect(refused).rejects.toThrow(GpuBudgetError);
    await expect(refused).rejects.toThrow(
      /^Generating the image needs about 4\.97 GiB of GPU memory for Stable Diffusion 1\.5 inpainting \(fp32\), more than the 4\.00 GiB this editor may use on this device, so nothing was loaded\. If your GPU has more memory, raise “GPU memory for models” in Models; a GPU with 16-bit support \(shader-f16\)/,
    );
    expect(log).toEqual(['load language']); // the planner was not released for nothing
    expect(plan.holding('language')).toBeGreaterThan(0);
    // The plan is not stuck: the next stage runs.
    await plan.run('locate-clipseg', async () => void log.push('load vision'));
    expect(log.at(-1)).toBe('load vision');
  });

  it('refuses the planner on a budget below it, with the advice to raise the setting', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 3 * GIB, costs: F16 });
    const e = await plan.run('understand', async () => void log.push('load language')).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GpuBudgetError);
    expect((e as GpuBudgetError).message).toBe(
      'Planning the edit needs about 3.14 GiB of GPU memory for Instruction model (Qwen2-VL 2B) (q4f16), more than the 3.00 GiB this editor may use on this device, so nothing was loaded. If your GPU has more memory, raise “GPU memory for models” in Models.',
    );
    expect(log).toEqual([]);
  });

  it('forgets what a dead worker held, and what a replaced worker held', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 3.5 * GIB, costs: F16 });
    await plan.run('understand', async () => void log.push('load language'));
    const died = plan.run('locate-clipseg', async () => {
      throw new WorkerDiedError('vision', 'crashed', 'The region finder stopped unexpectedly.');
    });
    await expect(died).rejects.toThrow(WorkerDiedError);
    expect(plan.holding('vision')).toBe(0);
    plan.dropped('language');
    await plan.run('generate', async () => void log.push('load diffusion'));
    expect(log).toEqual(['load language', 'load diffusion']); // nothing left to release
  });

  it('a new budget applies at the next stage', async () => {
    const { log, workers } = fakes();
    const plan = new GpuPlan({ workers, budget: 8 * GIB, costs: F16 });
    await runEdit(plan, log, ['understand', 'generate']);
    plan.configure({ budget: 3.5 * GIB });
    await plan.run('locate-clipseg', async () => void log.push('load vision'));
    // 3.14 + 2.48 + 0.16 > 3.5: after locate comes generate, then the next plan, so the planner goes.
    expect(log.slice(2)).toEqual(['release language', 'released language', 'load vision']);
  });
});
