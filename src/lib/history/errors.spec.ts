import { describe, expect, it } from 'vitest';
import { StorageFullError, guardQuota, isQuotaError } from './errors.ts';

describe('quota errors', () => {
  it.each([
    [new DOMException('full', 'QuotaExceededError'), true],
    [{ name: 'QuotaExceededError' }, true],
    [new DOMException('x', 'AbortError'), false],
    [new Error('QuotaExceededError'), false],
    [null, false],
    ['QuotaExceededError', false],
  ])('isQuotaError(%s) is %s', (error, want) => {
    expect(isQuotaError(error)).toBe(want);
  });

  it('guardQuota turns a quota failure into StorageFullError with a human message and the cause', async () => {
    const cause = new DOMException('quota', 'QuotaExceededError');
    const error = await guardQuota(() => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageFullError);
    expect((error as StorageFullError).name).toBe('StorageFullError');
    expect((error as StorageFullError).message).toMatch(/^Storage is full: .*free space by deleting old projects/);
    expect((error as StorageFullError).cause).toBe(cause);
  });

  it('guardQuota passes other errors and results through', async () => {
    const other = new Error('boom');
    await expect(guardQuota(() => Promise.reject(other))).rejects.toBe(other);
    await expect(guardQuota(() => Promise.resolve(7))).resolves.toBe(7);
  });
});
