import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, isRetryableStatus, retryAfterMs, sleep } from './backoff.ts';

describe('backoff', () => {
  it('doubles from 500 ms up to 30 s without jitter', () => {
    const policy = { ...DEFAULT_RETRY, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, policy))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('spreads each wait by ±20 % and never past the cap', () => {
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(400);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0.5)).toBe(500);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 1)).toBe(600);
    expect(backoffDelay(10, DEFAULT_RETRY, () => 1)).toBe(30000);
    expect(backoffDelay(10, DEFAULT_RETRY, () => 0)).toBe(24000);
  });

  it('retries timeouts, rate limits and server errors only', () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 416].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7000);
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:03 GMT', now)).toBe(3000);
    expect(retryAfterMs('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
  });

  it('sleep ends early with the abort reason', async () => {
    const controller = new AbortController();
    const t0 = Date.now();
    const slept = sleep(10_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(slept).rejects.toThrow('cancelled');
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
