// The whole path: the model manager downloads a fixture model (and onnxruntime-web's wasm) from the
// Hub stand-in; after a "reload" (new store and manager over the same OPFS folder, every fetch
// failing) transformers.js loads and runs it from the store with no network request at all.
import { AutoTokenizer, env, PreTrainedModel, Tensor } from '@huggingface/transformers';
import { afterEach, expect, inject, it } from 'vitest';
import { MANIFEST } from '../../../models/manifest.ts';
import { createScenario, servedRequests } from '../../../tests/model-server/client.ts';
import { modelEntries } from './catalog.ts';
import { ModelManager } from './manager.svelte.ts';
import { ORT_WASM_PATHS } from './ort-wasm.ts';
import { hubSource } from './sources.ts';
import { ModelStore } from './store.ts';
import { configureTransformers } from './transformers-env.ts';

const serverURL = inject('modelServerURL');
const realFetch = globalThis.fetch;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  globalThis.fetch = realFetch;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function encode(text: string) {
  const id = MANIFEST['t5-encoder'].id;
  const tokenizer = await AutoTokenizer.from_pretrained(id);
  const model = await PreTrainedModel.from_pretrained(id, { dtype: 'q8', model_file_name: 'encoder_model', device: 'wasm' });
  const out = (await model(tokenizer(text))).last_hidden_state as Tensor;
  await model.dispose();
  return out;
}

it('after one download, a reload loads and runs the model from the store with zero network requests', async () => {
  const opfs = await navigator.storage.getDirectory();
  const dirName = `models-offline-${crypto.randomUUID()}`;
  cleanups.push(() => opfs.removeEntry(dirName, { recursive: true }));
  const dir = await opfs.getDirectoryHandle(dirName, { create: true });
  const source = hubSource((await createScenario(serverURL)).host);
  const entries = modelEntries(['t5-encoder']);
  const runtime = Object.values(ORT_WASM_PATHS);
  const key = entries[0].key;
  expect(entries.map((e) => [e.key, e.files.map((f) => f.path)])).toEqual([
    [`Xenova/flan-t5-base@${MANIFEST['t5-encoder'].revision}`, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/encoder_model_quantized.onnx']],
  ]);

  const online = new ModelManager({ entries, store: new ModelStore(dir), source, runtime });
  await online.refresh();
  expect([online.status[key].state, online.runtimeReady, online.allReady]).toEqual(['missing', false, false]);
  expect(await online.downloadAll()).toBe(true);
  expect([online.status[key].state, online.runtimeReady, online.allReady]).toEqual(['ready', true, true]);
  const modelBytes = online.stored[0].bytes;
  expect(modelBytes).toBeGreaterThan(80_000);
  expect(online.totalBytes).toBe(modelBytes);

  // Reload while offline: every request fails and is recorded.
  const served = await servedRequests(serverURL);
  const attempted: string[] = [];
  const offline = (async (input: RequestInfo | URL) => {
    attempted.push(String(input instanceof Request ? input.url : input));
    throw new TypeError('Failed to fetch (offline)');
  }) as typeof fetch;
  globalThis.fetch = offline;
  const t0 = performance.now();
  const store = new ModelStore(dir);
  const reloaded = new ModelManager({ entries, store, source, runtime, fetch: offline });
  await reloaded.refresh();
  expect([reloaded.status[key], reloaded.runtimeReady]).toEqual([{ state: 'ready', bytes: modelBytes }, true]);
  await configureTransformers(env, { store, source, models: entries.map((e) => e.ref), wasmPaths: ORT_WASM_PATHS, fetch: offline });
  const fromStore = await encode('make the sky blue');
  const resources = performance.getEntriesByType('resource').filter((r) => r.startTime >= t0);
  globalThis.fetch = realFetch;
  expect(attempted).toEqual([]);
  expect(resources.map((r) => r.name).filter((n) => n.startsWith(serverURL) || /ort-wasm|\/models\//.test(n))).toEqual([]);
  expect(await servedRequests(serverURL)).toBe(served);

  // The same model read by transformers.js straight from the fixture files gives the same numbers.
  Object.assign(env, { useCustomCache: false, customCache: null, allowLocalModels: true, allowRemoteModels: false, localModelPath: '/models/fixtures/', fetch: realFetch.bind(globalThis) });
  const fromFiles = await encode('make the sky blue');
  expect(fromStore.dims).toEqual([1, fromFiles.dims[1], 768]);
  expect(Array.from(fromStore.data as Float32Array)).toEqual(Array.from(fromFiles.data as Float32Array));
  const values = fromStore.data as Float32Array;
  expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.1);
});
