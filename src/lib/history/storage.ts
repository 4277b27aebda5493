import type { StorageInfo } from './types.ts';

let persistRequest: Promise<boolean> | null = null;

/**
 * Asks the browser once per page load to keep our storage under pressure; later calls share the answer.
 * Already-persisted origins are not asked again.
 */
export function requestPersistence(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean> {
  persistRequest ??= (async () => {
    if (!storage?.persist) return false;
    try {
      return (await storage.persisted()) || (await storage.persist());
    } catch {
      return false;
    }
  })();
  return persistRequest;
}

/** Bytes used and available for this origin, as the browser estimates them. */
export async function storageEstimate(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<StorageInfo> {
  if (!storage?.estimate) return { usage: 0, quota: 0, available: 0, persisted: false };
  const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([
    storage.estimate(),
    storage.persisted ? storage.persisted().catch(() => false) : Promise.resolve(false),
  ]);
  return { usage, quota, available: Math.max(0, quota - usage), persisted };
}

/** Below this much free space storage always counts as running short, whatever the image size. */
export const LOW_STORAGE_FLOOR = 100_000_000;

/** Whole-image steps that should still fit when the warning comes. */
export const LOW_STORAGE_STEPS = 5;

/**
 * Whether to warn that storage is running short, for an open image of `size`. The costliest next step
 * is one stored whole: at most about 4 bytes a pixel as PNG (a photo measures ≈ 2.2), and Chromium
 * can need about twice a write's size free to accept it (see README: a write in progress already
 * counts). So the warning comes while LOW_STORAGE_STEPS such steps still fit, with a floor of
 * LOW_STORAGE_FLOOR: 960 MB for a 24-MP photo, 100 MB for small ones. An unknown quota never warns.
 */
export function lowOnStorage(info: StorageInfo, size: { width: number; height: number }): boolean {
  if (!(info.quota > 0)) return false;
  const wholeStep = 4 * size.width * size.height;
  return info.available < Math.max(LOW_STORAGE_FLOOR, LOW_STORAGE_STEPS * 2 * wholeStep);
}
