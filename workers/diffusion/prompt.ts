/**
 * Long prompts, LLMGA's way (shared/REFERENCE.md): the prompt's tokens without BOS/EOS are cut into
 * k = ⌈L / 75⌉ chunks (capped), padded to 75·k, and each chunk becomes [BOS] + 75 + [EOS] = 77 ids;
 * the text encoder encodes every chunk on its own and the states are concatenated along the
 * sequence (77·k × 768). The negative prompt is padded to the same k, so both CFG rows match.
 */

export const CLIP_CONTEXT = 77;
/** Content tokens per chunk (77 less BOS and EOS). */
export const CHUNK_TOKENS = CLIP_CONTEXT - 2;
/** Default cap on chunks: 300 content tokens, 308 positions. */
export const MAX_CHUNKS = 4;

export interface SpecialIds {
  bos: number;
  eos: number;
  pad: number;
}

/** CLIP's ids; SD1.5's tokenizer pads with the end token. */
export const CLIP_SPECIAL: Readonly<SpecialIds> = Object.freeze({ bos: 49406, eos: 49407, pad: 49407 });

export const chunksFor = (tokens: number) => Math.max(1, Math.ceil(tokens / CHUNK_TOKENS));

/** `content` (no BOS/EOS) as k chunks of 77 ids; content past 75·k is dropped. */
export function chunkIds(content: readonly number[], k: number, special: SpecialIds = CLIP_SPECIAL): Int32Array {
  const ids = new Int32Array(CLIP_CONTEXT * k).fill(special.pad);
  for (let c = 0; c < k; c++) {
    const at = c * CLIP_CONTEXT;
    ids[at] = special.bos;
    const part = content.slice(c * CHUNK_TOKENS, (c + 1) * CHUNK_TOKENS);
    ids.set(part, at + 1);
    ids[at + CLIP_CONTEXT - 1] = special.eos;
  }
  return ids;
}

export interface PromptPair {
  /** Unconditional (negative) prompt ids, 77·k. */
  uncond: Int32Array;
  /** Prompt ids, 77·k. */
  cond: Int32Array;
  chunks: number;
  /** Content tokens of each prompt, and how many were dropped by the cap. */
  tokens: { cond: number; uncond: number };
  truncated: { cond: number; uncond: number };
}

/** Both CFG rows for the text encoder, with one k for both (the longer prompt's, capped). */
export function promptPair(cond: readonly number[], uncond: readonly number[], maxChunks = MAX_CHUNKS, special: SpecialIds = CLIP_SPECIAL): PromptPair {
  if (!Number.isInteger(maxChunks) || maxChunks < 1) throw new RangeError(`maxChunks must be a positive integer, got ${maxChunks}`);
  const chunks = Math.min(maxChunks, Math.max(chunksFor(cond.length), chunksFor(uncond.length)));
  const room = chunks * CHUNK_TOKENS;
  return {
    uncond: chunkIds(uncond, chunks, special),
    cond: chunkIds(cond, chunks, special),
    chunks,
    tokens: { cond: cond.length, uncond: uncond.length },
    truncated: { cond: Math.max(0, cond.length - room), uncond: Math.max(0, uncond.length - room) },
  };
}
