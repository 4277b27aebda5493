import { describe, expect, it } from 'vitest';
import { ModelContentError } from './errors.ts';
import { hubSource, selfSource } from './sources.ts';
import type { ModelStore } from './store.ts';
import { memoryTarget, type MemoryTarget } from './testing.ts';
import { configureTransformers, resolveModelKey, storeCache, type TransformersEnv, type TransformersSetup } from './transformers-env.ts';

const t5 = { id: 'Xenova/flan-t5-base', revision: '62ad5726a1bd1ebc5580d92686f2a88eb994257d' };
const gpt2 = { id: 'gpt2', revision: 'abc' };
const origin = 'https://editor.example';
const hub = { source: hubSource('https://mirror.example/hf'), models: [t5, gpt2] };

describe('resolveModelKey', () => {
  it.each([
    // transformers.js tries the local path first (always, even with local models off), then the remote URL.
    ['/models/Xenova/flan-t5-base/onnx/encoder_model_quantized.onnx', { ref: t5, path: 'onnx/encoder_model_quantized.onnx' }],
    ['/models/gpt2/config.json', { ref: gpt2, path: 'config.json' }],
    ['https://mirror.example/hf/Xenova/flan-t5-base/resolve/main/config.json', { ref: t5, path: 'config.json' }],
    ['https://mirror.example/hf/Xenova/flan-t5-base/resolve/v2/config.json', { ref: { id: t5.id, revision: 'v2' }, path: 'config.json' }],
    ['https://mirror.example/hf/gpt2/resolve/refs%2Fpr%2F1/a%20b.json', { ref: { id: 'gpt2', revision: 'refs/pr/1' }, path: 'a b.json' }],
    ['/models/unknown/model/config.json', null],
    ['https://huggingface.co/Xenova/flan-t5-base/resolve/main/config.json', null],
    ['/assets/ort-wasm-simd-threaded.asyncify-abc.wasm', null],
  ])('%s', (key, expected) => expect(resolveModelKey(key, hub, origin)).toEqual(expected));

  it('reads the self-hosted base', () => {
    const self = { source: selfSource('/app/models/'), models: [t5] };
    expect(resolveModelKey('/app/models/Xenova/flan-t5-base/config.json', self, origin)).toEqual({ ref: t5, path: 'config.json' });
    expect(resolveModelKey('https://other.example/app/models/Xenova/flan-t5-base/config.json', self, origin)).toBeNull();
  });
});

/** A store stand-in over memory targets. */
function fakeStore() {
  const targets = new Map<string, MemoryTarget>();
  const assets = new Map<string, Blob>();
  const pruned: string[][] = [];
  const store = {
    target: (ref: { id: string }, path: string) => targets.get(`${ref.id}/${path}`) ?? targets.set(`${ref.id}/${path}`, memoryTarget()).get(`${ref.id}/${path}`)!,
    file: async (ref: { id: string }, path: string) => {
      const c = targets.get(`${ref.id}/${path}`)?.committed;
      return c ? new File([c as Uint8Array<ArrayBuffer>], path) : null;
    },
    asset: async (key: string) => (assets.has(key) ? new File([assets.get(key)!], key) : null),
    putAsset: async (key: string, blob: Blob) => void assets.set(key, blob),
    pruneAssets: async (keep: string[]) => void pruned.push(keep),
  };
  return { store: store as unknown as ModelStore, targets, assets, pruned };
}

describe('storeCache and configureTransformers', () => {
  const wasmPaths = { wasm: '/assets/ort.wasm', mjs: '/assets/ort.mjs' };

  it('keeps model files only in fill-store mode, after the content checks', async () => {
    const { store, targets } = fakeStore();
    const setup: TransformersSetup = { store, ...hub, wasmPaths };
    const url = 'https://mirror.example/hf/Xenova/flan-t5-base/resolve/main/config.json';
    await storeCache(setup).put(url, new Response('{"d_model": 768}'));
    expect(targets.size).toBe(0); // 'never': the manager is the only downloader

    const filling = storeCache({ ...setup, network: 'fill-store' });
    await filling.put(url, new Response('{"d_model": 768}'));
    expect(await (await filling.match(url))!.json()).toEqual({ d_model: 768 });
    expect(await (await filling.match('/models/Xenova/flan-t5-base/config.json'))!.text()).toBe('{"d_model": 768}');
    const page = filling.put(url.replace('config.json', 'onnx/model.onnx'), new Response('<!DOCTYPE html><html>'));
    await expect(page).rejects.toBeInstanceOf(ModelContentError);
    expect(targets.get('Xenova/flan-t5-base/onnx/model.onnx')).toMatchObject({ committed: null, discards: 1 });
  });

  it('hands transformers.js the patched file and keeps the published one', async () => {
    const { store, targets } = fakeStore();
    const patch = async (_ref: unknown, path: string, file: Blob) => (path.endsWith('.json') ? new Blob([file, ' ']) : file);
    const url = 'https://mirror.example/hf/Xenova/flan-t5-base/resolve/main/config.json';
    const env = { backends: { onnx: {} } } as unknown as Parameters<typeof configureTransformers>[0];
    const served: string[] = [];
    const fetch = (async (input: string) => (served.push(input), new Response('{"d_model": 768}'))) as unknown as typeof globalThis.fetch;
    const setup: TransformersSetup = { store, ...hub, wasmPaths, network: 'fill-store', patch, fetch };
    await configureTransformers(env, setup);
    // First load: fetched, stored as published, read patched; transformers.js' own put() keeps the stored copy.
    const fetched = await env.fetch(url);
    expect(await fetched.text()).toBe('{"d_model": 768} ');
    await env.customCache!.put(url, new Response('{"d_model": 768} '));
    expect(new TextDecoder().decode(targets.get('Xenova/flan-t5-base/config.json')!.committed!)).toBe('{"d_model": 768}');
    // Later loads: from the store, patched again.
    expect(await ((await env.customCache!.match(url)) as Response).text()).toBe('{"d_model": 768} ');
    expect(served).toEqual([url]);
  });

  it('keeps runtime assets by path, refuses a web page as wasm, and matches nothing it does not hold', async () => {
    const { store, assets } = fakeStore();
    const cache = storeCache({ store, ...hub, wasmPaths });
    await cache.put('http://localhost:5173/assets/ort.wasm', new Response(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0)));
    expect([...assets.keys()]).toEqual(['/assets/ort.wasm']);
    expect((await cache.match('https://editor.example/assets/ort.wasm'))!.headers.get('content-length')).toBe('8');
    await expect(cache.put('/assets/ort-2.wasm', new Response('<html>404</html>'))).rejects.toMatchObject({ problem: 'html' });
    expect(await cache.match('/assets/other.wasm')).toBeUndefined();
  });

  it('sets local/remote per source, self-hosted wasm, and answers model requests without the network', async () => {
    const { store, pruned } = fakeStore();
    const calls: string[] = [];
    const fetch = (async (input: string | URL) => (calls.push(String(input)), new Response('ok'))) as typeof globalThis.fetch;
    const env = { backends: { onnx: { wasm: {} } } } as unknown as TransformersEnv;
    await configureTransformers(env, { store, ...hub, wasmPaths, fetch });
    expect(env).toMatchObject({ useBrowserCache: false, useCustomCache: true, useWasmCache: true, allowLocalModels: false, allowRemoteModels: true, remoteHost: 'https://mirror.example/hf/' });
    expect(env.backends.onnx.wasm!.wasmPaths).toEqual(wasmPaths);
    expect(pruned).toEqual([['/assets/ort.wasm', '/assets/ort.mjs']]);
    const missing = await env.fetch('https://mirror.example/hf/Xenova/flan-t5-base/resolve/main/generation_config.json');
    expect(missing.status).toBe(404);
    expect(await (await env.fetch('/assets/ort.wasm')).text()).toBe('ok');
    expect(calls).toEqual(['/assets/ort.wasm']);

    await configureTransformers(env, { store, source: selfSource(), models: [t5], wasmPaths, fetch });
    expect(env).toMatchObject({ allowLocalModels: true, allowRemoteModels: false, localModelPath: '/models/' });
  });
});
