/**
 * The diffusion worker's engine: owns a GPUDevice (a GpuContext it creates, given to ORT for every
 * session), the SD sessions and the tokenizer; runs edits one at a time; cancels; and recovers from
 * a lost device or an out-of-memory error by dropping the device and everything on it, so the next
 * edit starts on a fresh device with fresh sessions.
 */
import { filesFor, variantFor } from '../../models/manifest.ts';
import { GpuContext, GpuError } from '../gpu/context.ts';
import { describeGpu, probeCapabilities } from '../runtime/capabilities.ts';
import { ModelRuntimeError } from '../runtime/errors.ts';
import { Residency } from '../runtime/residency.ts';
import { type ModelSourceConfig, configureTransformers } from '../vision/transformers-env.ts';
import { DiffusionError, OOM, messageOf } from './errors.ts';
import { type ModelFiles, folderFiles, readerFiles } from './files.ts';
import { SD15_WORKING, type WorkingSize } from './geometry.ts';
import { type SdDtype, SdModels, type SdPart } from './models.ts';
import { type EditPlan, planGenerate, planInpaint, planOutpaint } from './plan.ts';
import { type Capture, deviceLostError, runEdit } from './pipeline.ts';
import { BufferScope } from './scope.ts';
import type { DiffusionEvent, EditResult, GenerateRequest, InpaintRequest, OutpaintRequest } from './types.ts';

export interface EngineConfig extends ModelSourceConfig {
  /** Folder with the SD files (`unet/model.onnx`, `tokenizer/vocab.json`, …); default `<localModelPath>/<manifest id>/`. */
  modelUrl?: string;
  /** Default: fp16 where the device has shader-f16, else fp32 (the manifest's variantFor). */
  dtype?: SdDtype;
  /** Replacement bytes for some parts (tests: a small contract UNet). */
  overrides?: Partial<Record<SdPart, Uint8Array>>;
  /** SD's working size [512 short side, 768 long side]. */
  working?: WorkingSize;
  /** GPU memory budget for the SD sessions (runtime Residency) [DEFAULT_GPU_BUDGET, 6 GB]. */
  gpuBudget?: number;
}

export interface EditHooks {
  signal?: AbortSignal;
  onEvent?: (e: DiffusionEvent) => void;
  capture?: boolean;
}

export interface EngineStatus {
  loaded: boolean;
  dtype: SdDtype | null;
  gpu: string | null;
  placements: Record<string, string> | null;
  /** Devices dropped after a loss or an out-of-memory error. */
  recoveries: number;
  /** Pooled GPU buffers edits hold now: 0 between edits, whatever the last one did. */
  buffersHeld: number;
}

interface Ready {
  gpu: GpuContext;
  models: SdModels;
  lost: boolean;
  gpuName: string;
}

export class DiffusionEngine {
  readonly working: WorkingSize;
  #ready: Promise<Ready> | null = null;
  #chain: Promise<unknown> = Promise.resolve();
  #jobs = new Map<object, { id?: string; controller: AbortController }>();
  #recoveries = 0;

  constructor(readonly config: EngineConfig = {}) {
    this.working = config.working ?? SD15_WORKING;
  }

  inpaint(r: InpaintRequest, hooks: EditHooks = {}): Promise<{ result: EditResult; capture?: Capture }> {
    return this.#enqueue(r.id, () => planInpaint(r, this.working), hooks);
  }

  outpaint(r: OutpaintRequest, hooks: EditHooks = {}): Promise<{ result: EditResult; capture?: Capture }> {
    return this.#enqueue(r.id, () => planOutpaint(r, this.working), hooks);
  }

  generate(r: GenerateRequest, hooks: EditHooks = {}): Promise<{ result: EditResult; capture?: Capture }> {
    return this.#enqueue(r.id, () => planGenerate(r, this.working), hooks);
  }

  /** Cancels the running and queued edits (those with this id, or all); returns how many. */
  cancel(id?: string): number {
    let n = 0;
    for (const job of this.#jobs.values()) {
      if (id !== undefined && job.id !== id) continue;
      if (!job.controller.signal.aborted) n++;
      job.controller.abort(new DiffusionError('cancelled', 'The edit was cancelled; nothing was changed.'));
    }
    return n;
  }

  async status(): Promise<EngineStatus> {
    const ready = await this.#ready?.catch(() => null);
    const common = { recoveries: this.#recoveries, buffersHeld: BufferScope.live };
    if (!ready || ready.lost) return { loaded: false, dtype: null, gpu: null, placements: null, ...common };
    return { loaded: true, dtype: ready.models.dtype, gpu: ready.gpuName, placements: ready.models.placements, ...common };
  }

  /** Loads the device and the models now (otherwise the first edit does). */
  async load(): Promise<void> {
    await this.#ensure();
  }

  /** Simulates a lost device (device.destroy()) and resolves once the loss is seen, for tests and drills. */
  async loseDevice(): Promise<void> {
    const ready = await this.#ready?.catch(() => null);
    if (!ready) return;
    ready.gpu.device.destroy();
    await ready.gpu.lost;
  }

  /** Cancels everything, then frees the sessions and the device. */
  async release(): Promise<void> {
    this.cancel();
    await this.#chain;
    const ready = await this.#ready?.catch(() => null);
    this.#ready = null;
    if (ready) await drop(ready);
  }

  #enqueue(id: string | undefined, plan: () => EditPlan, hooks: EditHooks): Promise<{ result: EditResult; capture?: Capture }> {
    const key = {};
    const controller = new AbortController();
    const onAbort = () => controller.abort(new DiffusionError('cancelled', 'The edit was cancelled; nothing was changed.'));
    if (hooks.signal?.aborted) onAbort();
    hooks.signal?.addEventListener('abort', onAbort);
    this.#jobs.set(key, { id, controller });
    const task = this.#chain.then(async () => {
      const signal = controller.signal;
      let ready: Ready | null = null;
      try {
        signal.throwIfAborted();
        const edit = planned(plan);
        const t0 = performance.now();
        const loaded = this.#ready !== null;
        ready = await this.#ensure();
        hooks.onEvent?.({ type: 'stage', stage: 'load', ms: performance.now() - t0 });
        const lost = ready.gpu.lost;
        const loadMs = loaded ? 0 : performance.now() - t0;
        return await runEdit(ready.gpu, ready.models, edit, { signal, onEvent: hooks.onEvent, lost, capture: hooks.capture, loadMs, gpuName: ready.gpuName });
      } catch (e) {
        throw await this.#failure(e, ready, signal);
      } finally {
        hooks.signal?.removeEventListener('abort', onAbort);
        this.#jobs.delete(key);
      }
    });
    this.#chain = task.catch(() => undefined);
    return task;
  }

  async #ensure(): Promise<Ready> {
    const current = await this.#ready?.catch(() => null);
    if (current && !current.lost) return current;
    if (current) await this.#recover(current);
    const loading = this.#load();
    this.#ready = loading;
    loading.catch(() => {
      if (this.#ready === loading) this.#ready = null;
    });
    return loading;
  }

  async #load(): Promise<Ready> {
    const gpu = await GpuContext.create({ label: 'diffusion' });
    const caps = await probeCapabilities();
    const dtype: SdDtype = this.config.dtype ?? (variantFor('sd-inpaint', { shaderF16: gpu.hasF16 }) === 'fp16' ? 'fp16' : 'fp32');
    try {
      const files = await this.#files(dtype);
      const residency = new Residency({ budget: this.config.gpuBudget, conflicts: [] });
      const models = await SdModels.load({ gpu, files, dtype, overrides: this.config.overrides, caps, residency });
      const ready: Ready = { gpu, models, lost: false, gpuName: describeGpu(caps) };
      void gpu.lost.then(() => (ready.lost = true));
      return ready;
    } catch (e) {
      gpu.destroy();
      throw e;
    }
  }

  async #files(dtype: SdDtype): Promise<ModelFiles> {
    const { id } = filesFor('sd-inpaint', dtype);
    if (this.config.modelUrl) return folderFiles(this.config.modelUrl);
    if (this.config.store) return readerFiles(await configureTransformers(this.config), id);
    return folderFiles(`${(this.config.localModelPath ?? '/models/').replace(/\/?$/, '/')}${id}`);
  }

  async #recover(ready: Ready): Promise<void> {
    if (this.#ready && (await this.#ready.catch(() => null)) === ready) this.#ready = null;
    this.#recoveries++;
    await drop(ready);
  }

  /** A clear error for the caller; a lost device or exhausted memory drops the device and its sessions. */
  async #failure(e: unknown, ready: Ready | null, signal: AbortSignal): Promise<DiffusionError> {
    const message = messageOf(e);
    if (ready?.lost || (e instanceof DiffusionError && e.code === 'device-lost')) {
      const info = ready ? await ready.gpu.lost : null;
      if (ready) await this.#recover(ready);
      return info ? deviceLostError(info) : (e as DiffusionError);
    }
    if (signal.aborted) return new DiffusionError('cancelled', 'The edit was cancelled; nothing was changed.', { cause: e });
    if ((e instanceof GpuError && e.kind === 'out-of-memory') || OOM.test(message)) {
      if (ready) await this.#recover(ready);
      return new DiffusionError('out-of-memory', `The GPU ran out of memory for this edit (${message}). The models and buffers were released; try a smaller region, fewer prompt chunks, or close other GPU-heavy pages.`, { cause: e });
    }
    if (e instanceof DiffusionError) return e;
    if (e instanceof ModelRuntimeError) return new DiffusionError(RUNTIME_CODES[e.code] ?? 'failed', message, { cause: e });
    if (e instanceof GpuError && e.kind === 'unsupported') return new DiffusionError('unsupported', message, { cause: e });
    return new DiffusionError('failed', `The edit failed: ${message}`, { cause: e });
  }
}

const RUNTIME_CODES: Partial<Record<ModelRuntimeError['code'], DiffusionError['code']>> = {
  'shader-f16': 'unsupported',
  'no-webgpu': 'unsupported',
  'over-budget': 'out-of-memory',
  'fetch-failed': 'model-files',
  'io-mismatch': 'model-files',
};

/** Runs the CPU planning; whatever it refuses is the request's fault. */
function planned(plan: () => EditPlan): EditPlan {
  try {
    return plan();
  } catch (e) {
    throw e instanceof DiffusionError ? e : new DiffusionError('bad-request', messageOf(e), { cause: e });
  }
}

/** Frees the sessions (bounded: a session on a lost device must not hold up recovery) and the device. */
async function drop(ready: Ready): Promise<void> {
  await Promise.race([ready.models.dispose(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  ready.gpu.destroy();
}
