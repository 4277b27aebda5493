import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import { LanguageWorker } from '../../../workers/language/client.ts';
import type { EditPlan, Turn } from '../../../workers/language/types.ts';
import { VisionWorker, type MaskResult } from '../../../workers/vision/client.ts';
import type { ModelSourceConfig } from '../../../workers/vision/transformers-env.ts';
import { WorkerDiedError } from '../../../workers/bridge/watchdog.ts';
import { failedRole } from '../../../workers/runtime/load-failure.ts';
import type { Role } from '../../../models/manifest.ts';
import { readSavedTurns, type SavedTurn } from './saved-turns.ts';
import { locateStage } from '../../../models/gpu-memory.ts';
import type { PlanWorkerName, Stage } from './gpu-plan.ts';

/** One exchange as the conversation shows it. All text is plain text: the UI renders it as text. */
export interface AssistantTurn {
  id: number;
  instruction: string;
  /** Streamed model text while it is being written; the reply once the plan is parsed. */
  reply: string;
  plan: EditPlan | null;
  /** The region to edit (local plans), with the method that made it. */
  mask: MaskResult | null;
  status: 'planning' | 'masking' | 'done' | 'cancelled' | 'failed';
  error?: string;
}


/** Where the workers read models from and how they run; from the model profile. */
export interface AssistantConfig {
  models: ModelSourceConfig;
  /** 'wasm' on a software WebGPU adapter, where the CPU path is much faster. */
  device: 'webgpu' | 'wasm' | 'auto';
  /** SD's working size; the test models use a small one so a whole edit takes seconds. */
  working?: { short: number; maxLong: number; multiple?: number };
}

/** How the assistant's stages reach the GPU memory plan (gpu-plan.ts); the default runs them as they come. */
export interface StageGate {
  run<T>(stage: Stage, work: () => Promise<T>): Promise<T>;
  /** A worker was disposed: it holds no models any more. */
  dropped(worker: PlanWorkerName): void;
}

const UNGATED: StageGate = { run: (_stage, work) => work(), dropped: () => {} };

/**
 * The instruction side of the editor: owns the language and vision workers, keeps the
 * conversation, and turns an instruction into a plan and, for local edits, a mask. Each model
 * stage goes through the gate, which makes room on the GPU first.
 */
export class Assistant {
  turns = $state<AssistantTurn[]>([]);
  running = $derived(this.turns.some((t) => t.status === 'planning' || t.status === 'masking'));
  #language: LanguageWorker | null = null;
  #vision: VisionWorker | null = null;
  /** Reactive: the page enables the instruction box once it is set. */
  #config = $state.raw<AssistantConfig | null>(null);
  #next = 1;
  /** Told when a worker could not load a model from its stored files (the Models dialog marks it damaged). */
  onloadfailure: ((role: Role, reason: string) => void) | null = null;

  constructor(private readonly gate: StageGate = UNGATED) {}

  /** (Re)configures the workers; existing ones are disposed when the source changes. */
  configure(config: AssistantConfig): void {
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return;
    this.#disposeWorkers();
    this.#config = config;
  }

  get configured(): boolean {
    return this.#config !== null;
  }

  get config(): AssistantConfig | null {
    return this.#config;
  }

  /**
   * Plans an instruction against `image` (a display-size copy; the caller keeps ownership) and, for
   * local edits, finds the region. Returns the finished turn.
   */
  async submit(instruction: string, image: ImageBitmap): Promise<AssistantTurn> {
    const config = this.#config;
    if (!config) throw new Error('Choose where the AI models come from first (Models).');
    this.#language ??= new LanguageWorker({ ...config.models, device: config.device });
    const language = this.#language;
    const previous: Turn[] = this.turns.filter((t) => t.plan).map((t) => ({ instruction: t.instruction, plan: $state.snapshot(t.plan) as EditPlan }));
    this.turns.push({ id: this.#next++, instruction, reply: '', plan: null, mask: null, status: 'planning' });
    const turn = this.turns[this.turns.length - 1];
    try {
      const result = await this.gate.run('understand', () =>
        language.plan(image, instruction, previous, undefined, (e) => {
          turn.reply = e.text;
        }),
      );
      if (result.stopped === 'cancelled') {
        turn.status = 'cancelled';
        return turn;
      }
      turn.plan = result.plan;
      turn.reply = result.plan.reply;
      if (result.plan.kind === 'local' || result.plan.kind === 'outpaint') {
        turn.status = 'masking';
        const vision = (this.#vision ??= new VisionWorker({ ...config.models, device: config.device }));
        const plan = result.plan;
        const locate = () => vision.mask(image, { kind: plan.kind, instruction: plan.instruction, target: plan.target, outpaint: plan.outpaint });
        // An outpaint mask is geometry: no model loads for it.
        turn.mask = plan.kind === 'local' ? await this.gate.run(locateStage(), locate) : await locate();
      }
      turn.status = 'done';
    } catch (e) {
      if (e instanceof WorkerDiedError && e.reason === 'stopped') turn.status = 'cancelled';
      else {
        turn.status = 'failed';
        // WorkerDiedError's message is written for the person ("… stopped unexpectedly. It restarts with the next request.").
        turn.error = e instanceof Error ? e.message : String(e);
        const role = failedRole(e);
        if (role) this.onloadfailure?.(role, turn.error);
      }
    }
    return turn;
  }

  /**
   * Stops the running turn: the plan after its current token, or the region search. A worker that does
   * not stop within a few seconds is restarted, so Stop always ends the turn.
   */
  async cancel(): Promise<void> {
    await Promise.all([this.#language?.cancel(), this.#vision?.stop()]);
  }

  /** Frees the VLM's GPU memory (asked by the GPU plan); it reloads for the next turn. */
  async releaseLanguage(): Promise<void> {
    await this.#language?.release();
  }

  /** Frees the vision models' GPU memory (asked by the GPU plan); they reload for the next region. */
  async releaseVision(): Promise<void> {
    await this.#vision?.release();
  }

  clear(): void {
    this.turns = [];
  }

  #store: UseStore | null = null;
  get #db(): UseStore {
    this.#store ??= createStore('instruct-edit-conversations', 'turns');
    return this.#store;
  }

  /**
   * Saves the conversation of a project (instructions, replies, plans; masks are not kept — the
   * history keeps the mask of each edit). Best effort: a full disk must not fail an edit.
   */
  async save(projectId: string): Promise<void> {
    const turns: SavedTurn[] = this.turns
      .filter((t): t is AssistantTurn & { status: SavedTurn['status'] } => t.status === 'done' || t.status === 'failed' || t.status === 'cancelled')
      .map((t) => ({ id: t.id, instruction: t.instruction, reply: t.reply, plan: $state.snapshot(t.plan) as EditPlan | null, status: t.status, error: t.error }));
    try {
      await set(projectId, turns, this.#db);
    } catch (e) {
      console.warn('The conversation could not be saved', e);
    }
  }

  /** Shows the saved conversation of a project (empty for a new one). */
  async load(projectId: string | null): Promise<void> {
    let saved: SavedTurn[];
    try {
      // Checked as read: a damaged record shows as an empty (or shorter) conversation, never an error.
      saved = projectId ? readSavedTurns(await get<unknown>(projectId, this.#db)) : [];
    } catch {
      saved = [];
    }
    this.turns = saved.map((t) => ({ ...t, mask: null }));
    this.#next = Math.max(1, ...this.turns.map((t) => t.id + 1));
  }

  /** Deletes the saved conversation of a deleted project. */
  async forget(projectId: string): Promise<void> {
    try {
      await del(projectId, this.#db);
    } catch {
      /* nothing saved */
    }
  }

  dispose(): void {
    this.#disposeWorkers();
    this.#config = null;
  }

  #disposeWorkers(): void {
    this.#language?.dispose();
    this.#vision?.dispose();
    if (this.#language) this.gate.dropped('language');
    if (this.#vision) this.gate.dropped('vision');
    this.#language = null;
    this.#vision = null;
  }
}
