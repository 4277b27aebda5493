/**
 * Download rate over a sliding window: recent enough to follow a changing connection, long enough
 * not to jump with every chunk.
 */
export class RateMeter {
  #samples: { t: number; bytes: number }[] = [];
  #bytes = 0;

  constructor(
    readonly windowMs = 3000,
    readonly now: () => number = () => performance.now(),
  ) {
    this.#samples.push({ t: now(), bytes: 0 }); // the rate counts from the meter's start
  }

  /** Counts `bytes` more received now. */
  add(bytes: number): void {
    this.#bytes += bytes;
    const t = this.now();
    this.#samples.push({ t, bytes: this.#bytes });
    // Keep one sample at or before the window's start, so the window is always fully measured.
    while (this.#samples.length > 2 && this.#samples[1].t <= t - this.windowMs) this.#samples.shift();
  }

  /** Bytes per second over the window; 0 before any time has passed. */
  get rate(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || last.t <= first.t) return 0;
    return ((last.bytes - first.bytes) * 1000) / (last.t - first.t);
  }
}

/** Seconds left for `remaining` bytes at `rate` bytes/s; null when the rate or the size is unknown. */
export function etaSeconds(remaining: number | null, rate: number): number | null {
  if (remaining === null || !(rate > 0)) return null;
  return Math.max(0, remaining) / rate;
}
