/// <reference types="@vitest/browser-playwright" />
/**
 * Real-quota test support. Chromium grants IndexedDB writes from a cached "space remaining"
 * allowance for up to 30 s after its last quota lookup (BucketContext::kBucketSpaceCacheTimeLimit),
 * so a quota lowered after other specs wrote to the default bucket is not enforced at once. A fresh
 * storage bucket has its own context and no allowance yet: its first write asks the quota manager,
 * which applies the DevTools override of the origin's quota.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { cdp } from 'vitest/browser';

interface StorageBucket {
  indexedDB: IDBFactory;
}
interface StorageBucketManager {
  open(name: string): Promise<StorageBucket>;
  delete(name: string): Promise<void>;
}

const send = <T>(method: string, params: object): Promise<T> =>
  (cdp().send as (m: string, p: object) => Promise<T>)(method, params);

/** Sets this origin's quota in bytes; `undefined` restores the browser's own. */
export async function overrideQuota(quotaSize?: number): Promise<void> {
  await send('Storage.overrideQuotaForOrigin', { origin: location.origin, ...(quotaSize === undefined ? {} : { quotaSize }) });
}

/** Usage and quota as the browser's quota manager sees them (estimate() reports a fixed quota off the record). */
export function usageAndQuota(): Promise<{ usage: number; quota: number; overrideActive: boolean }> {
  return send('Storage.getUsageAndQuota', { origin: location.origin });
}

/** A fresh storage bucket holding one key-value store; `connect()` again acts as a page reload. */
export async function freshBucket(): Promise<{ connect: () => UseStore; dispose: () => Promise<void> }> {
  const buckets = (navigator as Navigator & { storageBuckets?: StorageBucketManager }).storageBuckets;
  if (!buckets) throw new Error('This browser has no Storage Buckets API; the real-quota test needs Chromium ≥ 122.');
  const name = `quota-${crypto.randomUUID()}`;
  const bucket = await buckets.open(name);
  const open: Promise<IDBDatabase>[] = [];
  const connect = (): UseStore => {
    const request = bucket.indexedDB.open('instruct-edit');
    request.onupgradeneeded = () => request.result.createObjectStore('projects');
    const db = promisifyRequest(request);
    open.push(db);
    return async (mode, callback) => callback((await db).transaction('projects', mode).objectStore('projects'));
  };
  const dispose = async () => {
    for (const db of open) (await db).close();
    await buckets.delete(name);
  };
  return { connect, dispose };
}
