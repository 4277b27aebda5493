/** How failed requests are retried. A failure that made progress resets the count. */
export interface RetryPolicy {
  /** Failures in a row (without a byte of progress) before giving up. */
  attempts: number;
  /** Wait after the first failure, in ms; each further failure multiplies it by `factor`. */
  baseMs: number;
  factor: number;
  maxMs: number;
  /** Spread of the random jitter, as a fraction of the wait (0.2: ±20 %). */
  jitter: number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 6, baseMs: 500, factor: 2, maxMs: 30_000, jitter: 0.2 });

/** The wait after failure number `failure` (1 for the first), jittered so many clients do not retry in step. */
export function backoffDelay(failure: number, policy: RetryPolicy = DEFAULT_RETRY, random: () => number = Math.random): number {
  const plain = Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.max(0, failure - 1));
  return Math.round(Math.min(policy.maxMs, plain * (1 - policy.jitter + 2 * policy.jitter * random())));
}

/** Statuses worth retrying: timeouts, rate limits and server errors. 4xx errors are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

/** A Retry-After header (seconds or an HTTP date) in ms from `now`; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
