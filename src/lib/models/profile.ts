// Where the editor takes its models from, chosen by the person and kept across reloads:
//   hub       the Hugging Face Hub, or a mirror with its URL layout (host configurable)
//   self      this site's own /models/ (what `npm run models:fetch` writes)
//   fixtures  this site's /models/fixtures/: the generated test models (scripts/fixtures), whose results are meaningless
import type { Caps } from '../../../models/manifest.ts';
import { HUB_HOST, hubSource, SELF_BASE, selfSource, type ModelSource } from './sources.ts';
import { hostAllowed } from '../security/csp.ts';

export const PROFILE_KINDS = Object.freeze(['hub', 'self', 'fixtures'] as const);
export type ProfileKind = (typeof PROFILE_KINDS)[number];

export interface ModelProfile {
  kind: ProfileKind;
  /** The Hub or mirror host; kept while another kind is chosen, so switching back restores it. */
  host: string;
}

export const FIXTURES_BASE = `${SELF_BASE}fixtures/`;
export const PROFILE_STORAGE_KEY = 'instruct-edit:model-profile';
export const DEFAULT_PROFILE: Readonly<ModelProfile> = Object.freeze({ kind: 'hub', host: HUB_HOST });

export const PROFILE_LABELS: Readonly<Record<ProfileKind, string>> = Object.freeze({
  hub: 'Hugging Face Hub',
  self: 'Self-hosted (this site)',
  fixtures: 'Test models',
});

export const TEST_MODELS_NOTE = 'test models — results are meaningless';

const isKind = (v: unknown): v is ProfileKind => typeof v === 'string' && (PROFILE_KINDS as readonly string[]).includes(v);

/**
 * A normalised Hub host ("https://hf-mirror.com"); throws a message for the person when it is not an
 * https URL (plain http only for this machine) without credentials, query or fragment, or when
 * `page` is given and its Content-Security-Policy would block downloads from it.
 */
export function checkHost(host: string, page?: { origin: string; modelHosts: readonly string[] }): string {
  let source;
  try {
    source = hubSource(host.trim());
  } catch (error) {
    if (error instanceof TypeError) throw new Error(`Not a valid model host: use a URL such as ${HUB_HOST}`, { cause: error });
    throw error;
  }
  if (source.kind !== 'hub') throw new Error(`Not a valid model host: use a URL such as ${HUB_HOST}`);
  if (page && !hostAllowed(source.host, page.origin, { modelHosts: page.modelHosts })) {
    throw new Error(
      `This site's security policy lets the editor download models only from the Hugging Face Hub, this site and this machine` +
        `${page.modelHosts.length ? ` (and ${page.modelHosts.join(', ')})` : ''}: ${new URL(source.host).host} would be blocked. ` +
        'Whoever hosts the editor can allow it (VITE_MODEL_HOSTS, see the README).',
    );
  }
  return source.host;
}

/** A normalised Hub host, or null when checkHost refuses it. */
export function normaliseHost(host: string): string | null {
  try {
    return checkHost(host);
  } catch {
    return null;
  }
}

/** The stored profile; anything unreadable (absent, not JSON, unknown kind, bad host) falls back to the default, field by field. */
export function parseProfile(raw: string | null | undefined): ModelProfile {
  let value: unknown;
  try {
    value = raw ? JSON.parse(raw) : null;
  } catch {
    value = null;
  }
  const v = (value && typeof value === 'object' ? value : {}) as { kind?: unknown; host?: unknown };
  return {
    kind: isKind(v.kind) ? v.kind : DEFAULT_PROFILE.kind,
    host: (typeof v.host === 'string' && normaliseHost(v.host)) || DEFAULT_PROFILE.host,
  };
}

export const serializeProfile = (p: ModelProfile): string => JSON.stringify({ kind: p.kind, host: p.host });

const defaultStorage = (): Storage | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // localStorage can throw where storage is blocked
  }
};

export function loadProfile(storage: Pick<Storage, 'getItem'> | null = defaultStorage()): ModelProfile {
  try {
    return parseProfile(storage?.getItem(PROFILE_STORAGE_KEY));
  } catch {
    return { ...DEFAULT_PROFILE };
  }
}

/** Stores the profile; false when the browser refused (the choice then lasts for this page only). */
export function saveProfile(profile: ModelProfile, storage: Pick<Storage, 'setItem'> | null = defaultStorage()): boolean {
  try {
    if (!storage) return false;
    storage.setItem(PROFILE_STORAGE_KEY, serializeProfile(profile));
    return true;
  } catch {
    return false;
  }
}

export function profileSource(profile: ModelProfile): ModelSource {
  switch (profile.kind) {
    case 'hub':
      return hubSource(profile.host);
    case 'self':
      return selfSource(SELF_BASE);
    case 'fixtures':
      return selfSource(FIXTURES_BASE);
  }
}

/**
 * The capabilities the catalogue picks files for. The fixture set has no q4f16 files
 * (scripts/fixtures/README.md), so test models always take the variants for a device without shader-f16.
 */
export const catalogCaps = (profile: ModelProfile, caps: Caps): Caps => (profile.kind === 'fixtures' ? { shaderF16: false } : caps);

/**
 * The OPFS folder a profile's files live in (null: the root). Test models share repository ids and
 * revisions with the real ones, so they are kept apart: switching to the Hub must never find a
 * stand-in "ready" and load it as the real model.
 */
export const TEST_MODELS_DIR = 'test-models';
export const storeDir = (profile: ModelProfile): string | null => (profile.kind === 'fixtures' ? TEST_MODELS_DIR : null);

/** Same-origin profiles can ask the server for exact file sizes before downloading. */
export const sameOrigin = (profile: ModelProfile): boolean => profile.kind !== 'hub';
