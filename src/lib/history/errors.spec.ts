import { describe, expect, it } from 'vitest';
import { HistoryReadError, ProjectDamagedError, StorageFullError, StorageReadError, StorageWriteError, guardQuota, guardRead, isQuotaError } from './errors.ts';

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

  it('guardQuota words any other refusal of the browser storage, keeping it as the cause', async () => {
    const cause = new DOMException('could not be cloned', 'DataCloneError');
    const error = await guardQuota(() => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageWriteError);
    expect((error as Error).message).toMatch(/^The browser could not save this change/);
    expect((error as Error).message).not.toMatch(/clone/);
    expect((error as Error).cause).toBe(cause);
  });
});

describe('read errors', () => {
  it('guardRead words a failure of the browser storage and lets our own read errors through', async () => {
    const cause = new DOMException('Internal error opening backing store', 'UnknownError');
    const error = await guardRead(() => Promise.reject(cause)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageReadError);
    expect(error).toBeInstanceOf(HistoryReadError);
    expect((error as Error).message).toMatch(/^The browser could not read your saved projects/);
    expect((error as Error).cause).toBe(cause);
    const own = new ProjectDamagedError('Its project record lists no steps.');
    await expect(guardRead(() => Promise.reject(own))).rejects.toBe(own);
    await expect(guardRead(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('ProjectDamagedError says what is wrong and where to go', () => {
    const e = new ProjectDamagedError('Its project record is damaged (a number was stored instead).');
    expect(e.message).toBe('This project cannot be opened: its project record is damaged (a number was stored instead). Recent projects can repair or delete it.');
    expect(e.problem).toMatch(/^Its project record/);
  });
});
