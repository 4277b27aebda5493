/**
 * Keeps loaded models within a GPU memory budget: loads on demand, evicts the least recently used
 * model that is not in use, never lets its accounting pass the budget (a load's bytes are reserved
 * before it starts and freed only after the evicted model's dispose has finished), and keeps
 * conflicting models (the VLM and the UNet) from ever being resident together.
 *
 * Sizes are estimates (models/gpu-memory.ts): WebGPU does not report how much memory a GPU has
 * or how much a session holds.
 */
import { ModelRuntimeError } from './errors.ts';

export interface Resident {
  dispose(): Promise<void> | void;
}

/** Two lists of key prefixes: a model matching one side evicts resident models matching the other. */
export type Conflict = readonly [readonly string[], readonly string[]];

export interface ResidencyOptions {
  /** Bytes of GPU memory models may hold; default DEFAULT_GPU_BUDGET. */
  budget?: number;
  conflicts?: readonly Conflict[];
  /** Told about every eviction (for logs and the UI). */
  onEvict?: (key: string, reason: 'lru' | 'conflict' | 'unload') => void;
}

const GB = 1e9;
/**
 * Fits an 8 GB GPU: 6 GB for models leaves 2 GB for the browser, the compositor, our kernels'
 * buffers and images. Each stage's default set fits it (models/gpu-memory.ts).
 */
export const DEFAULT_GPU_BUDGET = 6 * GB;
/** The VLM is done before the UNet starts: they never need to be resident together. */
export const DEFAULT_CONFLICTS: readonly Conflict[] = [[['vlm', 'vlm-small'], ['sd-inpaint/unet']]];

interface Entry {
  key: string;
  bytes: number;
  value: Promise<Resident>;
  loaded: boolean;
  pins: number;
}

const matches = (key: string, prefix: string) => key === prefix || key.startsWith(`${prefix}/`);
const gb = (bytes: number) => `${(bytes / GB).toFixed(2)} GB`;

export class Residency {
  readonly budget: number;
  readonly conflicts: readonly Conflict[];
  #onEvict: ResidencyOptions['onEvict'];
  /** Insertion order is recency: a touched entry is moved to the end. */
  #entries = new Map<string, Entry>();
  #queue: Promise<unknown> = Promise.resolve();
  #used = 0;
  #peak = 0;

  constructor(options: ResidencyOptions = {}) {
    this.budget = options.budget ?? DEFAULT_GPU_BUDGET;
    this.conflicts = options.conflicts ?? DEFAULT_CONFLICTS;
    this.#onEvict = options.onEvict;
  }

  /** Bytes held by resident and loading models. */
  get used(): number {
    return this.#used;
  }

  /** The most `used` has ever been. */
  get peak(): number {
    return this.#peak;
  }

  /** Keys of resident and loading models, least recently used first. */
  get keys(): string[] {
    return [...this.#entries.keys()];
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** The model under `key`, loaded (after making room) when absent. */
  acquire<T extends Resident>(key: string, bytes: number, load: () => Promise<T>): Promise<T> {
    return this.#acquire(key, bytes, load, false);
  }

  /** Runs `fn` with the model loaded and pinned: it cannot be evicted until `fn` settles. */
  async use<T extends Resident, R>(key: string, bytes: number, load: () => Promise<T>, fn: (model: T) => Promise<R> | R): Promise<R> {
    const model = await this.#acquire(key, bytes, load, true);
    try {
      return await fn(model);
    } finally {
      const entry = this.#entries.get(key);
      if (entry) entry.pins--;
    }
  }

  /** Disposes one model (waits for loads queued before). Refuses while it is in use. */
  unload(key: string): Promise<void> {
    return this.#serial(async () => {
      const entry = this.#entries.get(key);
      if (!entry) return;
      if (entry.pins > 0) throw new ModelRuntimeError('over-budget', `${key} is in use and cannot be unloaded now`);
      await this.#evict(entry, 'unload');
    });
  }

  /** Disposes every model not in use. */
  clear(): Promise<void> {
    return this.#serial(async () => {
      for (const entry of [...this.#entries.values()]) if (entry.pins === 0) await this.#evict(entry, 'unload');
    });
  }

  #acquire<T extends Resident>(key: string, bytes: number, load: () => Promise<T>, pin: boolean): Promise<T> {
    const existing = this.#entries.get(key);
    if (existing) {
      if (pin) existing.pins++;
      this.#touch(existing);
      return existing.value as Promise<T>;
    }
    return this.#serial(async () => {
      const again = this.#entries.get(key); // loaded while this call waited in the queue
      if (again) {
        if (pin) again.pins++;
        this.#touch(again);
        return again.value as Promise<T>;
      }
      await this.#makeRoom(key, bytes);
      const entry: Entry = { key, bytes, value: Promise.resolve(null as unknown as Resident), loaded: false, pins: pin ? 1 : 0 };
      const value = load();
      entry.value = value;
      this.#entries.set(key, entry);
      this.#used += bytes;
      this.#peak = Math.max(this.#peak, this.#used);
      try {
        await value;
        entry.loaded = true;
        return value;
      } catch (e) {
        this.#entries.delete(key);
        this.#used -= bytes;
        throw e;
      }
    });
  }

  /** Evicts conflicting, then least recently used models until `bytes` fit; plans before evicting anything. */
  async #makeRoom(key: string, bytes: number): Promise<void> {
    if (bytes > this.budget) {
      throw new ModelRuntimeError('over-budget', `${key} needs about ${gb(bytes)} of GPU memory, more than the whole budget of ${gb(this.budget)}: it cannot be loaded on this device`);
    }
    const entries = [...this.#entries.values()];
    const conflicting = entries.filter((e) => this.#conflict(key, e.key));
    const busy = conflicting.filter((e) => e.pins > 0);
    if (busy.length) {
      throw new ModelRuntimeError('over-budget', `${key} cannot be loaded while ${busy.map((e) => e.key).join(', ')} is in use (they are never resident together)`);
    }
    const plan: { e: Entry; why: 'lru' | 'conflict' }[] = conflicting.map((e) => ({ e, why: 'conflict' }));
    let free = this.budget - this.#used + conflicting.reduce((s, e) => s + e.bytes, 0);
    for (const e of entries) {
      if (free >= bytes) break;
      if (e.pins > 0 || !e.loaded || conflicting.includes(e)) continue;
      plan.push({ e, why: 'lru' });
      free += e.bytes;
    }
    if (free < bytes) {
      const held = entries.filter((e) => e.pins > 0 || !e.loaded).map((e) => `${e.key} ${gb(e.bytes)}`);
      throw new ModelRuntimeError(
        'over-budget',
        `${key} needs about ${gb(bytes)} of GPU memory and only ${gb(free)} of the ${gb(this.budget)} budget can be freed now (in use: ${held.join(', ') || 'none'})`,
      );
    }
    for (const { e, why } of plan) await this.#evict(e, why);
  }

  async #evict(entry: Entry, why: 'lru' | 'conflict' | 'unload'): Promise<void> {
    this.#entries.delete(entry.key);
    try {
      await (await entry.value).dispose();
    } finally {
      this.#used -= entry.bytes; // only once its memory is really given back
      this.#onEvict?.(entry.key, why);
    }
  }

  #conflict(a: string, b: string): boolean {
    return this.conflicts.some(([x, y]) => (x.some((p) => matches(a, p)) && y.some((p) => matches(b, p))) || (y.some((p) => matches(a, p)) && x.some((p) => matches(b, p))));
  }

  #touch(entry: Entry): void {
    this.#entries.delete(entry.key);
    this.#entries.set(entry.key, entry);
  }

  #serial<R>(task: () => Promise<R>): Promise<R> {
    const next = this.#queue.then(task);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
