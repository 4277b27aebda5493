import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Capabilities } from '../../../workers/runtime/capabilities.ts';
import { AppModels } from './app-models.svelte.ts';
import { PROFILE_STORAGE_KEY } from './profile.ts';
import type { ModelStore } from './store.ts';

const caps = (shaderF16: boolean): Capabilities => ({
  webgpu: true,
  reason: null,
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
  shaderF16,
  maxBufferSize: 1 << 30,
  maxStorageBufferBindingSize: 1 << 30,
});

// An empty store: nothing downloaded (the manager only lists it here).
const emptyStore = { list: async () => [], asset: async () => null } as unknown as ModelStore;

function setup(stored: string | null = null, shaderF16 = false) {
  const dirs: (string | null)[] = [];
  const map = new Map<string, string>(stored ? [[PROFILE_STORAGE_KEY, stored]] : []);
  const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
  const heads: string[] = [];
  const fetch = (async (url: string, init?: RequestInit) => {
    expect(init?.method).toBe('HEAD');
    heads.push(url);
    // Every same-origin file answers 1000 bytes; the runtime files 5000 each.
    return new Response(null, { status: 200, headers: { 'content-length': url.startsWith('/rt/') ? '5000' : '1000' } });
  }) as typeof globalThis.fetch;
  const models = new AppModels({ storage, fetch, probe: async () => caps(shaderF16), openStore: async (dir) => (dirs.push(dir), emptyStore), runtime: ['/rt/a.wasm', '/rt/b.mjs'] });
  return { models, map, heads, dirs };
}

describe('AppModels', () => {
  it('starts on the stored profile with one manager for it', async () => {
    const { models, heads, dirs } = setup('{"kind":"fixtures"}');
    await models.ready;
    expect(dirs).toEqual(['test-models']);
    expect(models.profile.kind).toBe('fixtures');
    expect(models.manager?.source).toEqual({ kind: 'self', base: '/models/fixtures/' });
    expect(models.manager?.entries.map((e) => e.ref.id)).toEqual([
      'onnx-community/Qwen2-VL-2B-Instruct',
      'Xenova/clip-vit-large-patch14',
      'Xenova/flan-t5-base',
      'Xenova/clipseg-rd64-refined',
      'stable-diffusion-v1-5/stable-diffusion-inpainting',
    ]);
    // Same origin: every file measured by HEAD, so the total is exact (the manifest's GB figures are not used).
    const files = models.manager!.entries.reduce((n, e) => n + e.files.length, 0);
    expect(heads.filter((u) => u.startsWith('/models/fixtures/'))).toHaveLength(files);
    expect(models.totalSize).toEqual({ bytes: files * 1000, unknown: 0 });
    expect(models.runtimeBytes).toBe(10_000);
    expect(Object.values(models.manager!.status).map((s) => s.state)).toEqual(['missing', 'missing', 'missing', 'missing', 'missing']);
    models.dispose();
    expect(models.manager).toBeNull();
  });

  it('switches profile: persists it, replaces the manager, and never asks the Hub for sizes', async () => {
    const { models, map, heads, dirs } = setup(null, true);
    await models.ready;
    expect(models.profile).toEqual({ kind: 'hub', host: 'https://huggingface.co' });
    expect(heads.every((u) => u.startsWith('/rt/'))).toBe(true);
    // shader-f16 on the Hub profile: the official SD folder (fp16 files), q4f16 VLM.
    expect(models.manager?.entries.some((e) => e.ref.id === 'stable-diffusion-v1-5/stable-diffusion-inpainting')).toBe(true);
    const first = models.manager;
    // A mirror is accepted only when the site's build allows it (its CSP would block it otherwise).
    vi.stubEnv('VITE_MODEL_HOSTS', 'https://hf-mirror.com');
    await models.setProfile({ kind: 'hub', host: 'https://hf-mirror.com/' });
    expect(models.manager).not.toBe(first);
    expect(models.manager?.source).toEqual({ kind: 'hub', host: 'https://hf-mirror.com' });
    expect(JSON.parse(map.get(PROFILE_STORAGE_KEY)!)).toEqual({ kind: 'hub', host: 'https://hf-mirror.com' });
    await models.setProfile({ kind: 'self', host: models.profile.host });
    expect(models.manager?.source).toEqual({ kind: 'self', base: '/models/' });
    await models.setProfile({ kind: 'fixtures', host: models.profile.host });
    // The root store opened once for Hub and self-hosted, the test-models folder once.
    expect(dirs).toEqual([null, 'test-models']);
    expect(new AppModels({ storage: { getItem: (k) => map.get(k) ?? null, setItem: () => {} }, probe: async () => caps(true), openStore: async () => emptyStore, runtime: [] }).profile).toEqual({
      kind: 'fixtures',
      host: 'https://hf-mirror.com',
    });
    models.dispose();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['https://hf-mirror.com', /security policy .* hf-mirror\.com would be blocked.*VITE_MODEL_HOSTS/],
    ['https://user:secret@huggingface.co', /must not contain a user name or password: use https:\/\/huggingface\.co$/],
    ['http://hf-mirror.com', /must use https:\/\/ \(plain http only for this machine\): hf-mirror\.com/],
  ])('refuses %s with its reason, never echoing a password, and stores nothing', async (host, reason) => {
    const { models, map } = setup('{"kind":"self"}');
    await models.ready;
    const error = await models.setProfile({ kind: 'hub', host }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).not.toContain('secret');
    expect(models.profile.kind).toBe('self');
    expect(map.get(PROFILE_STORAGE_KEY)).not.toContain(new URL(host).hostname === 'huggingface.co' ? 'secret' : new URL(host).hostname);
    models.dispose();
  });

  it('accepts plain http for a mirror on this machine', async () => {
    const { models } = setup();
    await models.ready;
    await models.setProfile({ kind: 'hub', host: 'http://127.0.0.1:8080' });
    expect(models.manager?.source).toEqual({ kind: 'hub', host: 'http://127.0.0.1:8080' });
    models.dispose();
  });

  it('refuses a host that is not a URL and keeps the current profile', async () => {
    const { models, map } = setup('{"kind":"self"}');
    await models.ready;
    await expect(models.setProfile({ kind: 'hub', host: 'not a host' })).rejects.toThrow(/Not a valid model host/);
    expect(models.profile.kind).toBe('self');
    expect(map.has(PROFILE_STORAGE_KEY)).toBe(true);
    expect(JSON.parse(map.get(PROFILE_STORAGE_KEY)!).kind).toBe('self');
    models.dispose();
  });

  it('reports no WebGPU from the probe', async () => {
    const models = new AppModels({
      storage: null,
      probe: async () => ({ ...caps(false), webgpu: false, adapter: null, reason: 'navigator.gpu is missing' }),
      openStore: async () => emptyStore,
      runtime: [],
    });
    await models.ready;
    expect(models.support).toMatchObject({ webgpu: false, reason: 'navigator.gpu is missing' });
    expect(models.notes[0].text).toMatch(/AI edits cannot run/);
    models.dispose();
  });
});
