// transformers.js reads model files from our store, never from its own caches: no second copy in
// Cache Storage, no second download, and no network request for a model that is stored.
import type { env as transformersEnv } from '@huggingface/transformers';
import { ModelContentError } from './errors.ts';
import type { ModelSource } from './sources.ts';
import { assetKey, type ModelStore } from './store.ts';
import type { ModelRef } from './types.ts';
import { checkComplete, checkStart, fileKind } from './verify.ts';

export type TransformersEnv = typeof transformersEnv;

export interface TransformersSetup {
  store: ModelStore;
  source: ModelSource;
  /** The models the app loads, with the revisions they are stored under. */
  models: ModelRef[];
  /** onnxruntime-web's wasm files served by this app (ORT_WASM_PATHS). */
  wasmPaths: { wasm: string; mjs: string };
  /**
   * 'never' (default): a model file that is not in the store is answered 404 without a request, so
   * the model manager is the only downloader. 'fill-store': transformers.js may fetch it, and the
   * store keeps it after the same checks as any download.
   */
  network?: 'never' | 'fill-store';
  fetch?: typeof fetch;
  /** Rewrites a stored file as transformers.js reads it (e.g. to declare an output the export lacks). */
  patch?: FilePatch;
}

/** A file of a model as stored → as it is loaded. Must return `file` itself when it changes nothing. */
export type FilePatch = (ref: ModelRef, path: string, file: Blob) => Promise<Blob>;

/** A stored-model file's address: which model (and revision, when the key says) and which file. */
export function resolveModelKey(key: string, setup: Pick<TransformersSetup, 'source' | 'models'>, origin = globalThis.location?.origin ?? 'http://localhost'): { ref: ModelRef; path: string } | null {
  let url: URL;
  try {
    url = new URL(key, origin);
  } catch {
    return null;
  }
  const at = url.origin + url.pathname;
  const known = (rest: string) => {
    // Longest id first: "owner/name" before a single-segment "name".
    const model = [...setup.models].sort((a, b) => b.id.length - a.id.length).find((m) => rest.startsWith(`${m.id}/`));
    return model ? { ref: model, path: decodeURIComponent(rest.slice(model.id.length + 1)) } : null;
  };
  if (setup.source.kind === 'hub' && at.startsWith(`${setup.source.host}/`)) {
    const rest = at.slice(setup.source.host.length + 1);
    const m = rest.match(/^(.+?)\/resolve\/([^/]+)\/(.+)$/);
    if (!m) return null;
    const revision = decodeURIComponent(m[2]);
    const model = setup.models.find((r) => r.id === m[1]);
    // transformers.js asks for "main" unless told otherwise: that means the revision the app pins.
    return { ref: { id: m[1], revision: revision === 'main' && model ? model.revision : revision }, path: decodeURIComponent(m[3]) };
  }
  const base = new URL(setup.source.kind === 'self' ? setup.source.base : '/models/', origin);
  if (url.origin === base.origin && url.pathname.startsWith(base.pathname)) return known(url.pathname.slice(base.pathname.length));
  return null;
}

const contentType = (path: string) => (fileKind(path) === 'json' ? 'application/json' : path.endsWith('.mjs') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');

/** The Cache-API-like object transformers.js calls (`env.customCache`): match and put. */
export function storeCache(setup: TransformersSetup) {
  const { store } = setup;
  return {
    async match(key: string): Promise<Response | undefined> {
      const model = resolveModelKey(key, setup);
      const stored = model ? await store.file(model.ref, model.path) : await store.asset(assetKey(key));
      if (!stored) return undefined;
      const file = model && setup.patch ? await setup.patch(model.ref, model.path, stored) : stored;
      return new Response(file, { headers: { 'content-length': String(file.size), 'content-type': contentType(model?.path ?? key) } });
    },
    async put(key: string, response: Response): Promise<void> {
      const model = resolveModelKey(key, setup);
      if (model) {
        // A file already stored (e.g. by the fetch below, before patching) stays as it was published.
        if (setup.network === 'fill-store' && !(await store.file(model.ref, model.path))) await putModelFile(store, model.ref, model.path, response);
        return;
      }
      const blob = await response.blob();
      checkStart(key.replace(/[?#].*$/, ''), new Uint8Array(await blob.slice(0, 64).arrayBuffer()), blob.size);
      await store.putAsset(assetKey(key), blob);
    },
  };
}

/** Stores a response transformers.js fetched itself, after the same checks as any download. */
async function putModelFile(store: ModelStore, ref: ModelRef, path: string, response: Response): Promise<void> {
  const target = store.target(ref, path);
  try {
    const writer = await target.open(0);
    const reader = response.body!.getReader();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) await writer.write(r.value);
    } finally {
      await writer.close();
    }
    const size = await target.size();
    const length = response.headers.get('content-length');
    if (length !== null && Number(length) !== size) throw new ModelContentError(path, 'size', `${size} bytes instead of ${length}`);
    await checkComplete(path, size, target.read);
    await target.commit();
  } catch (error) {
    await target.discard();
    throw error;
  }
}

/**
 * Points transformers.js at our store and at self-hosted wasm. Local/remote follow the source:
 * self-hosted files are "local" to transformers.js (`/models/`), Hub files "remote" (host configurable).
 */
export async function configureTransformers(env: TransformersEnv, setup: TransformersSetup): Promise<void> {
  const realFetch = setup.fetch ?? globalThis.fetch.bind(globalThis);
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.useCustomCache = true;
  env.customCache = storeCache(setup);
  env.useWasmCache = true; // the wasm goes through customCache too: into the store, so it works offline
  if (setup.source.kind === 'hub') {
    env.allowLocalModels = false;
    env.allowRemoteModels = true;
    env.remoteHost = `${setup.source.host}/`;
    env.remotePathTemplate = '{model}/resolve/{revision}/';
  } else {
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.localModelPath = setup.source.base;
  }
  env.fetch = async (input: string | URL, init?: RequestInit) => {
    const model = resolveModelKey(String(input), setup);
    if (setup.network !== 'fill-store' && model) {
      return new Response(null, { status: 404, statusText: 'Not downloaded: open the model manager to download it' });
    }
    if (!model || !setup.patch) return realFetch(input, init);
    // transformers.js reads what this returns and stores a copy through put(): store the file as
    // published first, then hand over the patched one (put() then finds it stored).
    const response = await realFetch(input, init);
    if (!response.ok) return response;
    await putModelFile(setup.store, model.ref, model.path, response);
    const file = await setup.patch(model.ref, model.path, (await setup.store.file(model.ref, model.path))!);
    return new Response(file, { headers: { 'content-length': String(file.size), 'content-type': contentType(model.path) } });
  };
  const wasm = env.backends.onnx.wasm;
  if (wasm) wasm.wasmPaths = { ...setup.wasmPaths };
  await setup.store.pruneAssets([assetKey(setup.wasmPaths.wasm), assetKey(setup.wasmPaths.mjs)]);
}
