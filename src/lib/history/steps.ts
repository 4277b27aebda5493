/**
 * Which steps are stored whole and which as a cheap record against the step before (types.ts
 * `StepStorage`), and the walk from a step back to the full image it is rebuilt from. Pure: no
 * storage, no pixels.
 */
import type { EntryMeta, StepDelta, StepStorage } from './types.ts';

/**
 * A keyframe is stored once rebuilding the next step would cost more than this many passes over the
 * whole image after decoding the keyframe. A run of rotations, flips and crops is one pass however
 * long (they fold into one draw, src/lib/image/transform.ts); a patch costs its share of the image's
 * area. Decoding a 24-MP PNG takes about as long as 2–3 such passes here, so 4 keeps the worst
 * rebuild within about three times the cost of opening a full image, while a rotate-only history
 * never needs a second keyframe (small inpaints are bounded by MAX_REPLAY_PATCHES instead).
 */
export const MAX_REPLAY_PASSES = 4;

/** …and at most this many patches (each a record to read and decode); transforms read nothing. */
export const MAX_REPLAY_PATCHES = 64;

/**
 * A patch covering more than this share of its image is stored whole instead: it saves little, and a
 * keyframe ends the chain.
 */
export const MAX_PATCH_SHARE = 0.5;

export const isKeyframe = (e: EntryMeta): boolean => e.storage.kind === 'image';

/**
 * Indices of the steps that rebuild `index`, oldest first: the keyframe, then every step up to
 * `index`. Each step after the keyframe must be made from the one before it; otherwise (a damaged
 * record) the result is null.
 */
export function chainTo(entries: readonly EntryMeta[], index: number): number[] | null {
  const chain: number[] = [];
  for (let i = index; i >= 0; i--) {
    const entry = entries[i];
    chain.unshift(i);
    if (entry.storage.kind === 'image') return chain;
    if (i === 0 || entry.storage.from !== entries[i - 1].id) return null;
  }
  return null;
}

/** Passes over the whole image that rebuilding `index` from its keyframe costs (see MAX_REPLAY_PASSES). */
export function replayCost(entries: readonly EntryMeta[], index: number): { passes: number; patches: number } {
  const chain = chainTo(entries, index);
  if (!chain) return { passes: Infinity, patches: Infinity };
  let passes = 0;
  let patches = 0;
  let inRun = false;
  for (const i of chain.slice(1)) {
    const s = entries[i].storage;
    if (s.kind === 'transform') {
      if (!inRun) passes += 1;
      inRun = true;
    } else if (s.kind === 'patch') {
      inRun = false;
      patches += 1;
      passes += patchShare(s.box, entries[i]) + (s.extend ? 1 : 0);
    }
  }
  return { passes, patches };
}

const patchShare = (box: { width: number; height: number }, size: { width: number; height: number }) => (box.width * box.height) / (size.width * size.height);

/**
 * How the step after `entries[cursor]` is stored: as its delta when one is offered, covers little
 * enough of the image, and keeps the rebuild within the bounds above; else as a full image.
 */
export function storageFor(entries: readonly EntryMeta[], cursor: number, delta: StepDelta | undefined, size: { width: number; height: number }): StepStorage {
  const from = entries[cursor];
  if (!delta || !from) return { kind: 'image' };
  const { passes, patches } = replayCost(entries, cursor);
  let added: number;
  let storage: StepStorage;
  if ('transform' in delta) {
    const last = from.storage.kind === 'transform';
    added = last ? 0 : 1;
    storage = { kind: 'transform', from: from.id, transform: delta.transform };
  } else {
    const share = patchShare(delta.box, size);
    if (share > MAX_PATCH_SHARE) return { kind: 'image' };
    added = share + (delta.extend ? 1 : 0);
    storage = { kind: 'patch', from: from.id, box: { ...delta.box }, ...(delta.extend ? { extend: { ...delta.extend } } : {}) };
  }
  const patch = 'patch' in delta ? 1 : 0;
  if (passes + added > MAX_REPLAY_PASSES || patches + patch > MAX_REPLAY_PATCHES) return { kind: 'image' };
  return storage;
}
