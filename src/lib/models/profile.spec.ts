import { describe, expect, it } from 'vitest';
import {
  catalogCaps,
  DEFAULT_PROFILE,
  loadProfile,
  normaliseHost,
  parseProfile,
  PROFILE_STORAGE_KEY,
  profileSource,
  saveProfile,
  serializeProfile,
  storeDir,
  type ModelProfile,
} from './profile.ts';

/** A Storage stand-in backed by a Map; `fail` makes every call throw as a blocked localStorage does. */
function memoryStorage(fail = false) {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => {
      if (fail) throw new DOMException('blocked', 'SecurityError');
      return map.get(k) ?? null;
    },
    setItem: (k: string, v: string) => {
      if (fail) throw new DOMException('full', 'QuotaExceededError');
      map.set(k, v);
    },
  };
}

describe('parseProfile', () => {
  it.each([
    [null, DEFAULT_PROFILE],
    ['', DEFAULT_PROFILE],
    ['not json', DEFAULT_PROFILE],
    ['[1,2]', DEFAULT_PROFILE],
    ['{"kind":"fixtures"}', { kind: 'fixtures', host: 'https://huggingface.co' }],
    ['{"kind":"self","host":"https://hf-mirror.com/"}', { kind: 'self', host: 'https://hf-mirror.com' }],
    ['{"kind":"hub","host":"http://127.0.0.1:9000/hub"}', { kind: 'hub', host: 'http://127.0.0.1:9000/hub' }],
    ['{"kind":"cdn","host":"https://hf-mirror.com"}', { kind: 'hub', host: 'https://hf-mirror.com' }],
    ['{"kind":"self","host":"ftp://x"}', { kind: 'self', host: 'https://huggingface.co' }],
    ['{"kind":"hub","host":"https://h.example/?q=1"}', { kind: 'hub', host: 'https://huggingface.co' }],
    ['{"kind":"hub","host":42}', { kind: 'hub', host: 'https://huggingface.co' }],
  ] as const)('%s → %o', (raw, expected) => {
    expect(parseProfile(raw)).toEqual(expected);
  });

  it('reads back what serializeProfile wrote', () => {
    const p: ModelProfile = { kind: 'fixtures', host: 'https://hf-mirror.com' };
    expect(parseProfile(serializeProfile(p))).toEqual(p);
  });
});

describe('normaliseHost', () => {
  it.each([
    ['https://huggingface.co', 'https://huggingface.co'],
    ['  https://hf-mirror.com///  ', 'https://hf-mirror.com'],
    ['huggingface.co', null],
    ['javascript:alert(1)', null],
    ['https://x.example#frag', null],
  ])('%s → %s', (host, expected) => {
    expect(normaliseHost(host)).toBe(expected);
  });
});

describe('loadProfile / saveProfile', () => {
  it('persists the choice under one key and reloads it', () => {
    const storage = memoryStorage();
    expect(loadProfile(storage)).toEqual(DEFAULT_PROFILE);
    expect(saveProfile({ kind: 'self', host: 'https://hf-mirror.com' }, storage)).toBe(true);
    expect(JSON.parse(storage.map.get(PROFILE_STORAGE_KEY)!)).toEqual({ kind: 'self', host: 'https://hf-mirror.com' });
    expect(loadProfile(storage)).toEqual({ kind: 'self', host: 'https://hf-mirror.com' });
  });

  it('falls back to the default when storage is blocked, and says the choice was not saved', () => {
    const storage = memoryStorage(true);
    expect(loadProfile(storage)).toEqual(DEFAULT_PROFILE);
    expect(saveProfile({ kind: 'fixtures', host: DEFAULT_PROFILE.host }, storage)).toBe(false);
    expect(saveProfile({ kind: 'fixtures', host: DEFAULT_PROFILE.host }, null)).toBe(false);
  });
});

describe('profileSource and catalogCaps', () => {
  it('maps each kind to where its files come from', () => {
    expect(profileSource({ kind: 'hub', host: 'https://hf-mirror.com' })).toEqual({ kind: 'hub', host: 'https://hf-mirror.com' });
    expect(profileSource({ kind: 'self', host: 'https://hf-mirror.com' })).toEqual({ kind: 'self', base: '/models/' });
    expect(profileSource({ kind: 'fixtures', host: 'https://hf-mirror.com' })).toEqual({ kind: 'self', base: '/models/fixtures/' });
  });

  it('keeps test models in their own store folder, real models in the root', () => {
    expect(storeDir({ kind: 'fixtures', host: '' })).toBe('test-models');
    expect(storeDir({ kind: 'hub', host: '' })).toBeNull();
    expect(storeDir({ kind: 'self', host: '' })).toBeNull();
  });

  it('gives test models the no-f16 variants (no q4f16 fixtures exist) and leaves other profiles alone', () => {
    expect(catalogCaps({ kind: 'fixtures', host: '' }, { shaderF16: true })).toEqual({ shaderF16: false });
    expect(catalogCaps({ kind: 'hub', host: '' }, { shaderF16: true })).toEqual({ shaderF16: true });
    expect(catalogCaps({ kind: 'self', host: '' }, { shaderF16: false })).toEqual({ shaderF16: false });
  });
});
