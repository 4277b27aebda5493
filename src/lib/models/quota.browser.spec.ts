/// <reference types="@vitest/browser-playwright" />
// A full disk, for real: this origin's quota lowered through the DevTools protocol, in a fresh
// storage bucket (see src/lib/history/quota-testing.ts for why a fresh bucket is needed).
import { cdp } from 'vitest/browser';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createScenario } from '../../../tests/model-server/client.ts';
import { firstDifference, syntheticBytes } from '../../../tests/model-server/synthetic.ts';
import { ModelStorageFullError } from './errors.ts';
import { downloadModel } from './model-download.ts';
import { hubSource } from './sources.ts';
import { ModelStore } from './store.ts';

const MiB = 1024 * 1024;
const serverURL = inject('modelServerURL');
const send = <T>(method: string, params: object): Promise<T> => (cdp().send as (m: string, p: object) => Promise<T>)(method, params);
const overrideQuota = (quotaSize?: number) => send('Storage.overrideQuotaForOrigin', { origin: location.origin, ...(quotaSize === undefined ? {} : { quotaSize }) });
const usage = async () => (await send<{ usage: number }>('Storage.getUsageAndQuota', { origin: location.origin })).usage;

interface Buckets {
  open(name: string): Promise<{ getDirectory(): Promise<FileSystemDirectoryHandle> }>;
  delete(name: string): Promise<void>;
}
const buckets = (navigator as Navigator & { storageBuckets: Buckets }).storageBuckets;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  await overrideQuota();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function storeWithHeadroom(headroom: number): Promise<ModelStore> {
  const name = `models-quota-${crypto.randomUUID()}`;
  const bucket = await buckets.open(name);
  cleanups.push(() => buckets.delete(name));
  await overrideQuota((await usage()) + headroom);
  return new ModelStore(await bucket.getDirectory());
}

describe('full storage', () => {
  it('reports a download over quota as ModelStorageFullError with a human message, stores nothing as complete, and completes once there is room', async () => {
    const store = await storeWithHeadroom(1 * MiB);
    const { host } = await createScenario(serverURL);
    const ref = { id: 'synthetic/quota', revision: 'main' };
    const files = [{ path: 'config.json' }, { path: 'onnx/model-6000000.onnx' }];

    const error = await downloadModel({ store, source: hubSource(host), ref, files }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelStorageFullError);
    expect((error as Error).message).toMatch(/^Not enough storage space to download this model\. It needs about [\d.]+ MB more\. Delete models or old projects/);
    expect(((error as Error).cause as DOMException).name).toBe('QuotaExceededError');
    expect(await store.has(ref, 'config.json')).toBe(true); // the small file fitted
    expect(await store.file(ref, 'onnx/model-6000000.onnx')).toBeNull();

    await overrideQuota();
    const result = await downloadModel({ store, source: hubSource(host), ref, files });
    expect(result.downloaded).toEqual(['onnx/model-6000000.onnx']);
    const file = await store.file(ref, 'onnx/model-6000000.onnx');
    expect(firstDifference(new Uint8Array(await file!.arrayBuffer()), syntheticBytes('onnx/model-6000000.onnx'))).toBe(-1);
  });
});
