/**
 * One GPU memory plan across the three model workers (language, vision, diffusion). Each worker
 * keeps its models loaded between calls and nothing else tells it when another worker needs the
 * room, so the page owns this plan: every stage of an edit runs through `run(stage, work)`, which
 * first asks the other workers to release what the budget cannot hold beside the stage, awaits
 * those releases, and only then lets the stage load. A stage that alone exceeds the budget is
 * refused before anything loads.
 *
 * The plan learns what each worker holds from the stages it ran (it is the only caller that makes
 * the workers load or release), with sizes from models/gpu-memory.ts: estimates, since WebGPU
 * reports neither a GPU's memory nor what a session holds.
 */
import type { Stage } from '../../../models/gpu-memory.ts';
import { WorkerDiedError } from '../../../workers/bridge/watchdog.ts';
import type { StageCosts } from '../models/gpu-budget.ts';

export type { Stage } from '../../../models/gpu-memory.ts';
export type { StageCost, StageCosts } from '../models/gpu-budget.ts';
export type PlanWorkerName = 'language' | 'vision' | 'diffusion';

/** What the plan needs of a worker client: a release that resolves once its models' memory is given back. */
export interface PlanWorker {
  release(): Promise<void>;
}

/** Which worker runs each stage. */
export const STAGE_WORKER: Readonly<Record<Stage, PlanWorkerName>> = Object.freeze({
  understand: 'language',
  locate: 'vision',
  'locate-clipseg': 'vision',
  generate: 'diffusion',
});

/** The order of an edit, known in advance: plan → locate → generate → (next) plan. */
const CYCLE: readonly PlanWorkerName[] = ['language', 'vision', 'diffusion'];

/** What a stage is for the person. */
const STAGE_TEXT: Readonly<Record<Stage, string>> = {
  understand: 'Planning the edit',
  locate: 'Finding the region',
  'locate-clipseg': 'Finding the region',
  generate: 'Generating the image',
};

const GIB = 2 ** 30;
export const gib = (bytes: number): string => `${(bytes / GIB).toFixed(2)} GiB`;

/** A stage that cannot fit the budget even with every other model released. Written for the person. */
export class GpuBudgetError extends Error {
  override readonly name = 'GpuBudgetError';
  constructor(
    readonly stage: Stage,
    readonly needed: number,
    readonly budget: number,
    message: string,
  ) {
    super(message);
  }
}

export interface GpuPlanOptions {
  workers: Record<PlanWorkerName, PlanWorker>;
  budget?: number;
  costs?: StageCosts;
}

export class GpuPlan {
  budget: number;
  costs: StageCosts;
  readonly #workers: Record<PlanWorkerName, PlanWorker>;
  /** Estimated bytes each worker holds, per stage it ran since its last release. */
  readonly #held = new Map<PlanWorkerName, Map<Stage, number>>();
  /** Stages run one at a time, so a release never lands on a stage that is loading or running. */
  #queue: Promise<unknown> = Promise.resolve();
  #peak = 0;

  constructor(options: GpuPlanOptions) {
    this.#workers = options.workers;
    this.budget = options.budget ?? Infinity;
    this.costs = options.costs ?? {};
  }

  /** New budget or stage sizes (the setting changed, or the model set did); applied at the next stage. */
  configure(options: { budget?: number; costs?: StageCosts }): void {
    if (options.budget !== undefined) this.budget = options.budget;
    if (options.costs !== undefined) this.costs = options.costs;
  }

  /** Estimated bytes held now, all workers together. */
  get used(): number {
    let n = 0;
    for (const stages of this.#held.values()) for (const b of stages.values()) n += b;
    return n;
  }

  /** The most `used` has been after any stage began. */
  get peak(): number {
    return this.#peak;
  }

  /** Estimated bytes a worker holds now. */
  holding(worker: PlanWorkerName): number {
    let n = 0;
    for (const b of this.#held.get(worker)?.values() ?? []) n += b;
    return n;
  }

  /**
   * Runs a stage: refuses it when it cannot fit the budget alone, releases what the budget cannot
   * hold beside it (awaited), then runs `work`, which loads the stage's models.
   */
  run<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      await this.#makeRoom(stage);
      const worker = STAGE_WORKER[stage];
      // Counted before the work: the models load inside it, and stay after it (also after a failure, to be safe).
      const stages = this.#held.get(worker) ?? new Map<Stage, number>();
      stages.set(stage, this.costs[stage]?.bytes ?? 0);
      this.#held.set(worker, stages);
      this.#peak = Math.max(this.#peak, this.used);
      try {
        return await work();
      } catch (e) {
        // A worker that died (or was stopped) took its models with it; it restarts empty.
        if (e instanceof WorkerDiedError) this.#held.delete(worker);
        throw e;
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** A worker was disposed or replaced (new model source): it holds nothing now. */
  dropped(worker: PlanWorkerName): void {
    this.#held.delete(worker);
  }

  async #makeRoom(stage: Stage): Promise<void> {
    const cost = this.costs[stage]?.bytes ?? 0;
    if (cost > this.budget) throw this.#refusal(stage, cost);
    const own = STAGE_WORKER[stage];
    // What would be held with the stage loaded: its own worker keeps its other stages' models too.
    const heldAfter = (released: Set<PlanWorkerName>) => {
      let n = cost;
      for (const [w, stages] of this.#held) {
        if (released.has(w)) continue;
        for (const [s, b] of stages) if (!(w === own && s === stage)) n += b;
      }
      return n;
    };
    const victims = new Set<PlanWorkerName>();
    if (heldAfter(victims) <= this.budget) return;
    // Furthest next use first (Belady): the workers the coming stages need last go first; the
    // stage's own worker (holding another stage's models) is next used now, so it goes last.
    const candidates = [...this.#held.keys()].filter((w) => (w === own ? this.#ownOther(own, stage) : this.holding(w)) > 0);
    candidates.sort((a, b) => this.#distance(stage, b) - this.#distance(stage, a));
    for (const w of candidates) {
      if (heldAfter(victims) <= this.budget) break;
      victims.add(w);
    }
    // Sizes differ, so furthest-first can release more than needed: keep back any victim the
    // budget can hold after all (soonest-needed first).
    for (const w of [...victims].reverse()) {
      victims.delete(w);
      if (heldAfter(victims) > this.budget) victims.add(w);
    }
    if (heldAfter(victims) > this.budget) throw this.#refusal(stage, cost); // unreachable: cost ≤ budget
    for (const w of [...victims].sort((a, b) => this.#distance(stage, b) - this.#distance(stage, a))) await this.#release(w);
  }

  /** Bytes the stage's own worker holds for its other stages. */
  #ownOther(own: PlanWorkerName, stage: Stage): number {
    let n = 0;
    for (const [s, b] of this.#held.get(own) ?? []) if (s !== stage) n += b;
    return n;
  }

  /** Stages until `worker` is needed again after `stage` (0: the stage's own worker). */
  #distance(stage: Stage, worker: PlanWorkerName): number {
    const at = CYCLE.indexOf(STAGE_WORKER[stage]);
    return (CYCLE.indexOf(worker) - at + CYCLE.length) % CYCLE.length;
  }

  async #release(worker: PlanWorkerName): Promise<void> {
    await this.#workers[worker].release();
    this.#held.delete(worker); // only once the memory is given back
  }

  #refusal(stage: Stage, cost: number): GpuBudgetError {
    const c = this.costs[stage];
    return new GpuBudgetError(
      stage,
      cost,
      this.budget,
      `${STAGE_TEXT[stage]} needs about ${gib(cost)} of GPU memory for ${c?.models ?? 'its models'}, more than the ${gib(this.budget)} this editor may use on this device, so nothing was loaded. ` +
        (c?.advice ?? 'If your GPU has more memory, raise “GPU memory for models” in Models.'),
    );
  }
}
