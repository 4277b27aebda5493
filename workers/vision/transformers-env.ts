// The one place that configures @huggingface/transformers for the language and vision workers:
// where model files come from (local folder only unless remote is allowed), the self-hosted ORT
// wasm (its default is a CDN, which an offline PWA cannot reach), and what the device can run.
// When src/lib/models grows a shared transformers-env module, this should move there.
import { env } from '@huggingface/transformers';
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import mjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';

export interface ModelSourceConfig {
  /** Folder holding `<model id>/…` in the transformers.js layout, e.g. '/models/fixtures/'. */
  localModelPath?: string;
  /** Let transformers.js fetch from the Hub (off by default: model downloads belong to src/lib/models). */
  allowRemoteModels?: boolean;
  /** Cache fetched files in Cache Storage (off in tests, so regenerated fixtures are always read afresh). */
  useBrowserCache?: boolean;
  /** ORT wasm threads (the CPU fallback); 1 keeps tests on small machines quiet. */
  wasmThreads?: number;
}

export const DEFAULT_MODEL_PATH = '/models/';

export function configureTransformers(config: ModelSourceConfig = {}): void {
  env.allowRemoteModels = config.allowRemoteModels ?? false;
  env.allowLocalModels = true;
  env.localModelPath = config.localModelPath ?? DEFAULT_MODEL_PATH;
  env.useBrowserCache = config.useBrowserCache ?? false;
  const onnx = env.backends.onnx as { wasm?: { wasmPaths?: unknown; numThreads?: number } };
  if (onnx.wasm) {
    onnx.wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
    if (config.wasmThreads !== undefined) onnx.wasm.numThreads = config.wasmThreads;
  }
}

/** URL of a file of a model in the configured local folder. */
export function localFileUrl(id: string, path: string): string {
  return `${env.localModelPath.replace(/\/?$/, '/')}${id}/${path}`;
}

export interface DeviceCaps {
  webgpu: boolean;
  shaderF16: boolean;
}

let caps: Promise<DeviceCaps> | null = null;

/** What this context's WebGPU adapter offers, asked once. */
export function deviceCaps(): Promise<DeviceCaps> {
  caps ??= (async () => {
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
    return { webgpu: !!adapter, shaderF16: !!adapter?.features.has('shader-f16') };
  })();
  return caps;
}

/** transformers.js device for a model: WebGPU where there is an adapter, else the wasm CPU backend. */
export async function pickDevice(prefer: 'webgpu' | 'wasm' | 'auto' = 'auto'): Promise<'webgpu' | 'wasm'> {
  if (prefer !== 'auto') return prefer;
  return (await deviceCaps()).webgpu ? 'webgpu' : 'wasm';
}

/**
 * Loads on `device`; when that is WebGPU chosen automatically and loading fails there (an op or a
 * dtype the adapter cannot run), loads again on the wasm CPU backend. An explicit device never falls back.
 */
export async function loadWithFallback<T>(device: 'webgpu' | 'wasm', automatic: boolean, load: (device: 'webgpu' | 'wasm') => Promise<T>): Promise<{ value: T; device: 'webgpu' | 'wasm'; fallback?: string }> {
  try {
    return { value: await load(device), device };
  } catch (e) {
    if (device !== 'webgpu' || !automatic) throw e;
    return { value: await load('wasm'), device: 'wasm', fallback: `WebGPU failed (${(e as Error).message}); running on wasm` };
  }
}
