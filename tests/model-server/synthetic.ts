// Deterministic test files of any size, computed range by range so a multi-GB file never sits in
// memory. The test server serves them for the repository `synthetic/<anything>`; tests compute the
// same bytes to compare. Usable in Node and in the browser.

/** A JSON file's text: `{"path": …}`. */
const jsonOf = (path: string) => new TextEncoder().encode(JSON.stringify({ synthetic: path }));

/** The size of a synthetic file: a JSON file's own, or what the name declares (`onnx/model-3000000.onnx`). */
export function syntheticSize(path: string): number | null {
  if (path.endsWith('.json')) return jsonOf(path).length;
  const m = path.match(/-(\d+)\.[a-z_]+$/);
  return m ? Number(m[1]) : null;
}

/** A plausible ONNX ModelProto start: ir_version 8, producer_name "synthetic". */
const ONNX_HEAD = Uint8Array.of(0x08, 0x08, 0x12, 0x09, ...[...'synthetic'].map((c) => c.charCodeAt(0)));

function seedOf(path: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function hash32(seed: number, index: number): number {
  let x = (Math.imul(index, 0x9e3779b1) ^ seed) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Words per block: a file is a per-path block of hashed words, each block XORed with its own hash. */
const BLOCK_WORDS = 16384;
const patterns = new Map<number, Uint32Array>();

function patternOf(seed: number): Uint32Array {
  let p = patterns.get(seed);
  if (!p) {
    p = new Uint32Array(BLOCK_WORDS).map((_, j) => hash32(seed, j));
    patterns.set(seed, p);
  }
  return p;
}

/** Fills `out` with bytes [start, start + out.length) of the synthetic file at `path`. Fast enough (≈ memcpy) to serve GBs. */
export function fillSynthetic(path: string, start: number, out: Uint8Array): void {
  if (path.endsWith('.json')) return out.set(jsonOf(path).subarray(start, start + out.length));
  const seed = seedOf(path);
  const pattern = patternOf(seed);
  const firstWord = Math.floor(start / 4);
  const words = new Uint32Array(Math.ceil((start + out.length) / 4) - firstWord);
  for (let k = 0; k < words.length; ) {
    const w = firstWord + k;
    const block = Math.floor(w / BLOCK_WORDS);
    const mix = hash32(seed ^ 0x5bd1e995, block);
    const end = Math.min(words.length, k + (BLOCK_WORDS - (w % BLOCK_WORDS)));
    for (let j = w % BLOCK_WORDS; k < end; k++, j++) words[k] = pattern[j] ^ mix;
  }
  out.set(new Uint8Array(words.buffer, start % 4, out.length));
  if (path.endsWith('.onnx') && start < ONNX_HEAD.length) out.set(ONNX_HEAD.subarray(start, Math.min(ONNX_HEAD.length, start + out.length)));
}

/** The whole synthetic file (for small sizes). */
export function syntheticBytes(path: string): Uint8Array {
  const size = syntheticSize(path);
  if (size === null) throw new Error(`Not a synthetic path: ${path}`);
  const out = new Uint8Array(size);
  fillSynthetic(path, 0, out);
  return out;
}

/** Where two byte arrays first differ (their shorter length when one is a prefix of the other); -1 when equal. Far faster than a deep toEqual on megabytes. */
export function firstDifference(a: Uint8Array | null, b: Uint8Array): number {
  if (!a) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
