// The test models' pins: exact sizes and SHA-256 that scripts/fixtures computes from the files it
// generates (models/fixtures/pins.json), so the test profile checks its downloads the way the real
// profiles check theirs against models/pins.ts. The real pins never apply to the stand-ins.
import type { PinLookup } from './catalog.ts';
import { FIXTURES_BASE } from './profile.ts';

type PinFile = Record<string, { size: number; sha256: string }>;

const isPinFile = (v: unknown): v is PinFile =>
  !!v &&
  typeof v === 'object' &&
  Object.values(v).every((p) => Number.isSafeInteger((p as { size?: unknown })?.size) && /^[0-9a-f]{64}$/.test(String((p as { sha256?: unknown })?.sha256)));

/** Reads `<base>pins.json`; with none (offline, not generated) every test file is unpinned, as the dialog then says. */
export async function fixturePins(doFetch: typeof fetch = globalThis.fetch.bind(globalThis), base = FIXTURES_BASE): Promise<PinLookup> {
  let pins: PinFile = {};
  try {
    const response = await doFetch(`${base}pins.json`, { cache: 'no-store' });
    const body: unknown = response.ok ? await response.json() : null;
    if (isPinFile(body)) pins = body;
  } catch {
    // No pins: the files are checked by format only.
  }
  return (ref, path) => pins[`${ref.id}/${path}`];
}
