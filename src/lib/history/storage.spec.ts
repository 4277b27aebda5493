import { describe, expect, it } from 'vitest';
import { lowOnStorage, requestPersistence, storageEstimate } from './storage.ts';

function fakeStorage(usage: number, quota: number, persisted = false) {
  const calls = { persist: 0 };
  const storage = {
    estimate: async () => ({ usage, quota }),
    persisted: async () => persisted,
    persist: async () => {
      calls.persist++;
      return true;
    },
    getDirectory: async () => {
      throw new Error('unused');
    },
  } as unknown as StorageManager;
  return { storage, calls };
}

describe('storageEstimate', () => {
  it('reports usage, quota and what is left', async () => {
    const { storage } = fakeStorage(300, 1000, true);
    expect(await storageEstimate(storage)).toEqual({ usage: 300, quota: 1000, available: 700, persisted: true });
  });

  it('never reports negative space and copes without the API', async () => {
    expect((await storageEstimate(fakeStorage(1200, 1000).storage)).available).toBe(0);
    expect(await storageEstimate(undefined)).toEqual({ usage: 0, quota: 0, available: 0, persisted: false });
  });
});

describe('requestPersistence', () => {
  it('asks the browser once per page load', async () => {
    const { storage, calls } = fakeStorage(0, 1);
    const answers = await Promise.all([requestPersistence(storage), requestPersistence(storage)]);
    await requestPersistence(storage);
    expect(answers).toEqual([true, true]);
    expect(calls.persist).toBe(1);
  });
});

describe('lowOnStorage', () => {
  const info = (available: number, quota = 10e9) => ({ usage: quota - available, quota, available, persisted: false });
  const photo24 = { width: 6000, height: 4000 };

  it('warns while five whole-image steps of the open image still fit twice over (960 MB for 24 MP)', () => {
    expect(lowOnStorage(info(961e6), photo24)).toBe(false);
    expect(lowOnStorage(info(959e6), photo24)).toBe(true);
  });

  it('never waits below 100 MB, however small the image; an unknown quota never warns', () => {
    expect(lowOnStorage(info(101e6), { width: 640, height: 480 })).toBe(false);
    expect(lowOnStorage(info(99e6), { width: 640, height: 480 })).toBe(true);
    expect(lowOnStorage(info(99e6), { width: 0, height: 0 })).toBe(true);
    expect(lowOnStorage({ usage: 0, quota: 0, available: 0, persisted: false }, photo24)).toBe(false);
  });
});
