/**
 * ModelSession: one ORT inference session with the runtime's rules built in.
 *
 * - WebGPU first, wasm (CPU) as the announced fallback: `placement` says which and why.
 * - WebGPU sessions run on ORT's own device, which `runtimeGpu()` adopts for our kernels (or on a
 *   GpuContext passed in); outputs stay on the GPU (`preferredOutputLocation: 'gpu-buffer'`).
 * - Inputs and outputs are read from the file (`inputs` / `outputs`) and feeds adapt to them.
 * - Runs are serialised per session: concurrent `run()` on one ORT session hangs this build.
 * - An fp16 model on WebGPU without `shader-f16` fails with a clear error, never silent zeros.
 * - `dispose()` waits for queued runs, then releases the session and its GPU memory.
 */
import type { GpuContext } from '../gpu/context.ts';
import { type Capabilities, describeGpu, probeCapabilities } from './capabilities.ts';
import { runtimeGpu } from './device.ts';
import { F16_FAILURE, ModelRuntimeError, errorMessage, shaderF16Error } from './errors.ts';
import { type Feed, type IoInfo, adaptFeeds, ioInfo, toFloat32 } from './feeds.ts';
import { ort } from './ort.ts';

export type Ep = 'webgpu' | 'wasm';

/** Where a session runs, and a sentence for the UI saying why. */
export interface Placement {
  ep: Ep;
  reason: string;
  /** True when WebGPU was wanted and the CPU is standing in. */
  fallback: boolean;
}

export interface ModelSessionOptions {
  /** Used in every message, e.g. "sd-inpaint/unet fp32". Defaults to the file name. */
  name?: string;
  /** 'auto' (default): WebGPU, else wasm with the reason. 'webgpu' fails instead of falling back. */
  ep?: 'auto' | Ep;
  /** Run on this context's device instead of ORT's own (the default, see runtimeGpu()). */
  gpu?: GpuContext;
  /**
   * WebGPU layout for layout-sensitive ops (ORT's default NHWC). The SD-inpainting UNet needs
   * 'NCHW': this ORT build's NHWC Conv is wrong for 9 input channels (models/ort-webgpu-conv.browser.spec.ts).
   */
  preferredLayout?: 'NCHW' | 'NHWC';
  /** Where WebGPU outputs land; default 'gpu-buffer'. wasm outputs are always on the CPU. */
  outputLocation?: 'cpu' | 'gpu-buffer';
  /** The file computes in float16 (from the manifest's dtype): refused on WebGPU without shader-f16. */
  needsF16?: boolean;
  /** Names the file must declare; checked at load so a wrong file fails with its name. */
  expect?: { inputs?: readonly string[]; outputs?: readonly string[] };
  externalData?: ort.InferenceSession.SessionOptions['externalData'];
  /** Defaults to the cached probe. */
  caps?: Capabilities;
}

export interface RunOptions {
  /** Convert float16 outputs on the CPU to float32 (default true). GPU outputs are left as they are. */
  float32?: boolean;
}

type Source = string | URL | Uint8Array | ArrayBuffer;

async function loadBytes(source: Source, name: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  let response: Response;
  try {
    response = await fetch(source);
  } catch (e) {
    throw new ModelRuntimeError('fetch-failed', `${name}: the model file could not be fetched (${errorMessage(e)})`, { cause: e });
  }
  if (!response.ok) throw new ModelRuntimeError('fetch-failed', `${name}: the model file could not be fetched (${response.status} ${response.statusText} at ${String(source)})`);
  // A dev server or an SPA host answers a missing file with index.html and status 200.
  if (response.headers.get('content-type')?.includes('text/html')) {
    throw new ModelRuntimeError('fetch-failed', `${name}: ${String(source)} answered with an HTML page, not a model file (is the path right?)`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

const nameOf = (source: Source) => (typeof source === 'string' || source instanceof URL ? String(source).split('/').slice(-2).join('/') : 'model');

let live = 0;

export class ModelSession {
  readonly name: string;
  readonly placement: Placement;
  readonly inputs: readonly IoInfo[];
  readonly outputs: readonly IoInfo[];
  #session: ort.InferenceSession;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;
  #disposed: Promise<void> | null = null;

  /** Sessions created and not yet disposed, in this page or worker. */
  static get live(): number {
    return live;
  }

  private constructor(name: string, session: ort.InferenceSession, placement: Placement) {
    this.name = name;
    this.#session = session;
    this.placement = placement;
    this.inputs = ioInfo(session.inputMetadata);
    this.outputs = ioInfo(session.outputMetadata);
    live++;
  }

  static async create(source: Source, options: ModelSessionOptions = {}): Promise<ModelSession> {
    const name = options.name ?? nameOf(source);
    const caps = options.caps ?? (await probeCapabilities());
    const want = options.ep ?? 'auto';
    const gpuName = describeGpu(caps);
    if (want !== 'wasm' && caps.webgpu && !caps.shaderF16 && options.needsF16) throw shaderF16Error(name, gpuName);
    if (want === 'webgpu' && !caps.webgpu) throw new ModelRuntimeError('no-webgpu', `${name} must run on WebGPU, which is not available: ${caps.reason}`);
    const bytes = await loadBytes(source, name);
    const common = { externalData: options.externalData };

    let session: ort.InferenceSession | null = null;
    let placement: Placement;
    if (want === 'wasm') {
      placement = { ep: 'wasm', reason: 'asked to run on the CPU (wasm)', fallback: false };
    } else if (!caps.webgpu) {
      placement = { ep: 'wasm', reason: `running on the CPU (wasm): ${caps.reason}`, fallback: true };
    } else {
      try {
        session = await createOnWebGpu(bytes, name, gpuName, caps, options);
        placement = { ep: 'webgpu', reason: `running on WebGPU (${gpuName})`, fallback: false };
      } catch (e) {
        if (e instanceof ModelRuntimeError) throw e;
        // ORT may already compile an f16 program while creating the session (constant folding).
        if (F16_FAILURE.test(errorMessage(e)) && !caps.shaderF16) throw shaderF16Error(name, gpuName, 'a float16 operation inside the graph');
        if (want === 'webgpu') throw e;
        placement = { ep: 'wasm', reason: `running on the CPU (wasm): the WebGPU session failed (${errorMessage(e)})`, fallback: true };
      }
    }
    session ??= await ort.InferenceSession.create(bytes, { ...common, executionProviders: ['wasm'] });
    const missing = missingNames(session, options.expect);
    if (missing) {
      await session.release();
      throw new ModelRuntimeError('io-mismatch', `${name}: the model file lacks ${missing}, so it cannot be used here`);
    }
    return new ModelSession(name, session, placement);
  }

  /** Runs after every run queued before it; outputs belong to the caller (dispose GPU ones). */
  run(feeds: Readonly<Record<string, Feed>>, options: RunOptions = {}): Promise<Record<string, ort.Tensor>> {
    if (this.#closed) return Promise.reject(new ModelRuntimeError('disposed', `${this.name}: the session was disposed`));
    const task = this.#chain.then(async () => {
      const adapted = adaptFeeds(this.name, this.inputs, feeds);
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await this.#session.run(adapted);
      } catch (e) {
        if (F16_FAILURE.test(errorMessage(e))) throw shaderF16Error(this.name, describeGpu(await probeCapabilities()), 'a float16 operation inside the graph');
        throw new ModelRuntimeError('run-failed', `${this.name}: ${errorMessage(e)}`, { cause: e });
      }
      const tensors = out as Record<string, ort.Tensor>;
      return options.float32 === false ? tensors : Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, toFloat32(t)]));
    });
    this.#chain = task.catch(() => undefined);
    return task;
  }

  /** Releases the session after the runs already queued; later runs reject. Idempotent. */
  dispose(): Promise<void> {
    this.#closed = true;
    this.#disposed ??= this.#chain.then(async () => {
      live--;
      await this.#session.release();
    });
    return this.#disposed;
  }
}

async function createOnWebGpu(bytes: Uint8Array, name: string, gpuName: string, caps: Capabilities, options: ModelSessionOptions): Promise<ort.InferenceSession> {
  // The runtime's keep-alive session first: ORT's device must exist, with its buffer cache, before this one.
  if (!options.gpu) await runtimeGpu();
  const provider = {
    name: 'webgpu',
    ...(options.gpu ? { device: options.gpu.device } : {}),
    ...(options.preferredLayout ? { preferredLayout: options.preferredLayout } : {}),
  } as ort.InferenceSession.ExecutionProviderConfig;
  const session = await ort.InferenceSession.create(bytes, {
    externalData: options.externalData,
    executionProviders: [provider],
    preferredOutputLocation: options.outputLocation ?? 'gpu-buffer',
  });
  const f16 = [...session.inputMetadata, ...session.outputMetadata].filter((m) => m.isTensor && m.type === 'float16');
  if (f16.length && !caps.shaderF16) {
    await session.release();
    throw shaderF16Error(name, gpuName, `its float16 ${f16.map((m) => `'${m.name}'`).join(', ')}`);
  }
  return session;
}

function missingNames(session: ort.InferenceSession, expect: ModelSessionOptions['expect']): string | null {
  const lack = (want: readonly string[] | undefined, have: readonly string[], kind: string) => {
    const gone = (want ?? []).filter((n) => !have.includes(n));
    return gone.length ? `${kind} ${gone.map((n) => `'${n}'`).join(', ')} (it has ${have.join(', ') || 'none'})` : null;
  };
  const parts = [lack(expect?.inputs, session.inputNames, 'input'), lack(expect?.outputs, session.outputNames, 'output')].filter(Boolean);
  return parts.length ? parts.join(' and ') : null;
}
