// The one place that configures @huggingface/transformers for the language and vision workers,
// and reads the raw model files they load themselves (the CLIP export for the patch projection, the
// region head). The app passes `store`: files come from the OPFS store the model manager fills,
// through src/lib/models' own configureTransformers (no second cache, no network for a stored
// model). Tests and plain self-hosting pass `localModelPath` instead: files under that folder.
// Either way the ORT wasm is self-hosted (transformers.js defaults to a CDN).
import { env } from '@huggingface/transformers';
import { MANIFEST, type Role } from '../../models/manifest.ts';
import { modelEntries } from '../../src/lib/models/catalog.ts';
import { ORT_WASM_PATHS } from '../../src/lib/models/ort-wasm.ts';
import { fileURL, type ModelSource } from '../../src/lib/models/sources.ts';
import { ModelStore } from '../../src/lib/models/store.ts';
import { configureTransformers as configureFromStore } from '../../src/lib/models/transformers-env.ts';
import { exposeHiddenState } from './patch-projection.ts';

export interface ModelSourceConfig {
  /** The app's path: the model store, for models from `source`; 'fill-store' fetches missing files (and keeps transformers.js' ones). */
  store?: {
    source: ModelSource;
    network?: 'never' | 'fill-store';
    /** OPFS folder of the profile (test models live apart). */
    dir?: string | null;
    /** The store's files version (ModelManager.filesVersion): unread here, but a new value is a new config, so the page restarts the workers and nothing loaded from replaced files stays. */
    version?: number;
  };
  /** Without a store: folder holding `<model id>/…` in the transformers.js layout, e.g. '/models/fixtures/'. */
  localModelPath?: string;
  /** Without a store: let transformers.js fetch from the Hub (off by default: downloads belong to src/lib/models). */
  allowRemoteModels?: boolean;
  /** Without a store: cache fetched files in Cache Storage (off: regenerated fixtures are always read afresh). */
  useBrowserCache?: boolean;
  /** ORT wasm threads (the CPU fallback); 1 keeps tests on small machines quiet. */
  wasmThreads?: number;
}

/** Reads a raw file of a model repository (by id and path inside it). */
export type FetchFile = (id: string, path: string) => Promise<Uint8Array>;

export const DEFAULT_MODEL_PATH = '/models/';

const plainFetch = env.fetch;

/** Configures transformers.js; returns how to read raw model files under the same configuration. */
export async function configureTransformers(config: ModelSourceConfig = {}): Promise<FetchFile> {
  const onnx = env.backends.onnx as { wasm?: { numThreads?: number } };
  if (onnx.wasm && config.wasmThreads !== undefined) onnx.wasm.numThreads = config.wasmThreads;
  if (config.store) {
    const store = await ModelStore.openIn(config.store.dir ?? null);
    // Every repository the manifest names, at its pinned revision, for either kind of device.
    const models = modelEntries(Object.keys(MANIFEST) as Role[], [{ shaderF16: false }, { shaderF16: true }]).map((e) => e.ref);
    const { source, network = 'never' } = config.store;
    await configureFromStore(env, { store, source, models, wasmPaths: ORT_WASM_PATHS, network, patch: (ref, path, file) => patchFile(ref.id, path, file) });
    return async (id, path) => {
      const ref = models.find((m) => m.id === id);
      if (!ref) throw new Error(`${id} is not in the model manifest`);
      const file = await store.file(ref, path);
      if (file) return new Uint8Array(await file.arrayBuffer());
      if (network !== 'fill-store') throw new Error(`${id}/${path} is not downloaded: open the model manager to download it`);
      return fetchBytes(fileURL(source, ref, path));
    };
  }
  env.allowRemoteModels = config.allowRemoteModels ?? false;
  env.allowLocalModels = true;
  env.localModelPath = config.localModelPath ?? DEFAULT_MODEL_PATH;
  env.useBrowserCache = config.useBrowserCache ?? false;
  env.useCustomCache = false;
  // The same patches as the store path, on the local folder's files.
  env.fetch = async (input: string | URL, init?: RequestInit) => {
    const response = await plainFetch(input, init);
    const local = new URL(String(input), globalThis.location?.href).pathname;
    const base = new URL(env.localModelPath, globalThis.location?.href).pathname.replace(/\/?$/, '/');
    const model = response.ok && local.startsWith(base) ? Object.values(MANIFEST).find((m) => local.startsWith(`${base}${m.id}/`)) : undefined;
    const path = model ? local.slice(base.length + model.id.length + 1) : '';
    if (!model || !patched(model.id, path)) return response;
    const file = await patchFile(model.id, path, await response.blob());
    return new Response(file, { status: 200, headers: { 'content-type': 'application/octet-stream', 'content-length': String(file.size) } });
  };
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.wasmPaths = { ...ORT_WASM_PATHS };
  return (id, path) => fetchBytes(localFileUrl(id, path));
}

/**
 * What the vision worker changes in a file as transformers.js loads it: the CLIP vision export gets its
 * hidden states declared (the region head reads them; the real export has only image_embeds).
 */
const patched = (id: string, path: string) => id === MANIFEST['clip-vision'].id && /^onnx\/vision_model[^/]*\.onnx$/.test(path);

async function patchFile(id: string, path: string, file: Blob): Promise<Blob> {
  return patched(id, path) ? exposeHiddenState(file) : file;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
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
