// ModelManager over a real OPFS store and the Hub stand-in: states the UI sees, cancel, delete,
// failures with their reasons, and the space check before the first byte.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { flushSync } from 'svelte';
import { createScenario, scenarioLog } from '../../../tests/model-server/client.ts';
import type { ScenarioOptions } from '../../../tests/model-server/server.ts';
import { syntheticSize } from '../../../tests/model-server/synthetic.ts';
import type { ModelEntry } from './catalog.ts';
import { ModelManager, type ModelStatus } from './manager.svelte.ts';
import { hubSource } from './sources.ts';
import { ModelStore } from './store.ts';

const serverURL = inject('modelServerURL');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const entry = (id: string, paths: string[], extra: Partial<ModelEntry> = {}): ModelEntry => ({
  key: `${id}@main`,
  label: id,
  roles: [],
  ref: { id, revision: 'main' },
  files: paths.map((path) => ({ path })),
  published: true,
  ...extra,
});

async function setup(entries: ModelEntry[], scenario: ScenarioOptions = {}, storage?: StorageManager) {
  const opfs = await navigator.storage.getDirectory();
  const name = `models-manager-${crypto.randomUUID()}`;
  cleanups.push(() => opfs.removeEntry(name, { recursive: true }));
  const { host, id } = await createScenario(serverURL, scenario);
  const manager = new ModelManager({ entries, store: new ModelStore(await opfs.getDirectoryHandle(name, { create: true })), source: hubSource(host), retry: { baseMs: 1, maxMs: 5 }, progressIntervalMs: 10, storage });
  cleanups.push(() => manager.dispose());
  await manager.refresh();
  return { manager, log: () => scenarioLog(serverURL, id) };
}

/** Every distinct state an effect sees for one model. */
function watch(manager: ModelManager, key: string): ModelStatus['state'][] {
  const seen: ModelStatus['state'][] = [];
  cleanups.push(
    $effect.root(() => {
      $effect(() => {
        const state = manager.status[key].state;
        if (seen[seen.length - 1] !== state) seen.push(state);
      });
    }),
  );
  flushSync();
  return seen;
}

describe('ModelManager', () => {
  it('downloads all models, reports each state, and says why one failed', async () => {
    const a = entry('synthetic/a', ['config.json', 'onnx/model-1500000.onnx']);
    const b = entry('synthetic/b', ['config.json', 'onnx/absent.onnx']);
    const own = entry('instruct-edit/region-head', ['onnx/region_head.onnx'], { published: false });
    const { manager } = await setup([a, b, own], { bytesPerSecond: 10_000_000 });
    const states = watch(manager, a.key);
    const sizes: number[] = [];
    cleanups.push(
      $effect.root(() => {
        $effect(() => {
          sizes.push(manager.status[a.key].bytes);
        });
      }),
    );

    expect(await manager.downloadAll()).toBe(false);
    flushSync();
    expect(states).toEqual(['missing', 'downloading', 'ready']);
    const json = syntheticSize('config.json')!;
    expect(manager.status[a.key]).toEqual({ state: 'ready', bytes: 1_500_000 + json });
    expect(sizes.filter((n) => n > 0 && n < 1_500_000).length).toBeGreaterThan(2); // progress reached the UI
    expect(manager.status[b.key]).toMatchObject({ state: 'failed', storageFull: false, bytes: json });
    expect((manager.status[b.key] as { reason: string }).reason).toMatch(/^"onnx\/absent.onnx" was not found at .*\(HTTP 404\)/);
    expect((manager.status[own.key] as { reason: string }).reason).toMatch(/not published yet; it can only be self-hosted/);
    expect([manager.allReady, manager.busy]).toEqual([false, false]);
    expect(manager.stored.map((m) => [m.id, m.bytes])).toEqual([
      ['synthetic/a', 1_500_000 + json],
      ['synthetic/b', json],
    ]);
    expect(manager.totalBytes).toBe(1_500_000 + 2 * json);

    await manager.delete(a.key);
    expect(manager.status[a.key]).toEqual({ state: 'missing', bytes: 0 });
    expect(manager.totalBytes).toBe(json);
  });

  it('cancels a download, keeps what it received, and resumes it', async () => {
    const a = entry('synthetic/slow', ['onnx/model-1200000.onnx']);
    const { manager, log } = await setup([a], { bytesPerSecond: 3_000_000 });
    const done = manager.download(a.key);
    const joined = manager.download(a.key); // joins the running download instead of starting another
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (manager.status[a.key].bytes > 300_000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    manager.cancel(a.key);
    expect([await done, await joined]).toEqual([false, false]);
    const kept = manager.status[a.key];
    expect(kept.state).toBe('missing');
    expect(kept.bytes).toBeGreaterThan(300_000);
    expect(kept.bytes).toBeLessThan(1_200_000);

    expect(await manager.download(a.key)).toBe(true);
    expect(manager.status[a.key]).toEqual({ state: 'ready', bytes: 1_200_000 });
    const requests = await log();
    expect(requests).toHaveLength(2);
    expect(requests[1].range).toBe(`bytes=${kept.bytes}-`);
  });

  it('refuses before the first byte when the listing sizes do not fit, and asks for persistent storage', async () => {
    let persistAsked = 0;
    let granted = false;
    const storage = {
      estimate: async () => ({ usage: 9_000, quota: 10_000 }),
      persisted: async () => granted,
      persist: async () => (persistAsked++, (granted = true)),
    } as unknown as StorageManager;
    const big = entry('synthetic/big', ['onnx/model-5000000.onnx']);
    big.files[0].approxBytes = 5_000_000;
    const { manager, log } = await setup([big], {}, storage);
    expect(await manager.download(big.key)).toBe(false);
    expect(manager.status[big.key]).toMatchObject({ state: 'failed', storageFull: true });
    expect((manager.status[big.key] as { reason: string }).reason).toBe(
      'Not enough storage space to download this model. It needs about 5.0 MB more and 1.0 KB is free. ' +
        'Delete models or old projects you no longer need, or free space on this device, then try again.',
    );
    expect(await log()).toEqual([]);
    expect([persistAsked, manager.persisted]).toEqual([1, true]);
    expect(manager.storage).toEqual({ usage: 9_000, quota: 10_000, available: 1_000, persisted: true });
  });

  it('marks a ready model damaged when its worker cannot load it; Download again replaces its files and bumps the files version', async () => {
    const a = entry('synthetic/a', ['config.json', 'onnx/model-20000.onnx'], { roles: ['clipseg'] });
    const { manager, log } = await setup([a]);
    expect(manager.markDamaged('clipseg', 'not yet')).toBeNull(); // nothing stored: nothing to mark
    expect(await manager.downloadAll()).toBe(true);
    const afterDownload = manager.filesVersion;
    expect(afterDownload).toBeGreaterThan(0);

    expect(manager.markDamaged('clipseg', 'The clipseg model could not be loaded from its files (protobuf).')).toBe(a.key);
    await manager.refresh(); // the files are all there, but it stays damaged
    expect(manager.status[a.key]).toMatchObject({ state: 'damaged', reason: expect.stringContaining('protobuf') });
    expect(manager.allReady).toBe(false);

    // Download all fetches a damaged model again rather than finding its files stored.
    const before = (await log()).length;
    expect(await manager.downloadAll()).toBe(true);
    expect(manager.status[a.key].state).toBe('ready');
    expect((await log()).length - before).toBe(2);
    expect(manager.filesVersion).toBeGreaterThan(afterDownload);
  });
});
