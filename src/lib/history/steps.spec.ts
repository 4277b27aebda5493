import { describe, expect, it } from 'vitest';
import { chainTo, MAX_REPLAY_PASSES, replayCost, storageFor } from './steps.ts';
import type { EntryMeta, StepDelta, StepStorage } from './types.ts';

const SIZE = { width: 6000, height: 4000 };
const entry = (id: string, storage: StepStorage, size = SIZE): EntryMeta => ({ id, op: 'x', params: {}, time: 0, ...size, hasMask: false, imageIsOriginal: false, storage });
const rotate: StepDelta = { transform: { op: 'rotate', direction: 'cw' } };
const patch = (width: number, height: number): StepDelta => ({ patch: new Blob(['p']), box: { x: 0, y: 0, width, height } });

/** Commits `deltas` one after another as Project.commit decides, from an open step. */
function history(deltas: (StepDelta | undefined)[]): EntryMeta[] {
  const entries = [entry('e0', { kind: 'image' })];
  for (const d of deltas) entries.push(entry(`e${entries.length}`, storageFor(entries, entries.length - 1, d, SIZE)));
  return entries;
}
const kinds = (entries: EntryMeta[]) => entries.map((e) => e.storage.kind[0]).join('');

describe('which steps are stored whole', () => {
  it('a run of rotations, however long, never needs a keyframe: it folds into one pass', () => {
    const entries = history(Array(200).fill(rotate));
    expect(kinds(entries)).toBe('i' + 't'.repeat(200));
    expect(replayCost(entries, 200)).toEqual({ passes: 1, patches: 0 });
  });

  it('small patches are stored as patches until the chain reaches its bound of patches', () => {
    const entries = history(Array(70).fill(patch(256, 256)));
    // 64 patches (the bound), then a keyframe, then patches again.
    expect(kinds(entries)).toBe('i' + 'p'.repeat(64) + 'i' + 'p'.repeat(5));
  });

  it('turns between patches cost a pass each: a keyframe comes when the passes pass the bound', () => {
    const entries = history(Array.from({ length: 12 }, (_, i) => (i % 2 ? patch(256, 256) : rotate)));
    // Each rotate after a patch starts a new pass, and each patch adds its sliver of the area: the
    // fourth run of turns would make 4 passes and a bit > MAX_REPLAY_PASSES, so it is stored whole.
    expect(MAX_REPLAY_PASSES).toBe(4);
    expect(kinds(entries)).toBe('itptptpiptptp');
  });

  it('a patch over half the image, an adjust (no delta), or an outpainting chain is stored whole when due', () => {
    expect(kinds(history([patch(4000, 3100)]))).toBe('ii');
    expect(kinds(history([undefined, rotate]))).toBe('iit');
    const extend = { ...patch(256, 256), extend: { left: 8, top: 0, right: 0, bottom: 0 } } as StepDelta;
    // An extension redraws the whole image: a pass of its own (three fit, the fourth is stored whole).
    expect(kinds(history(Array(5).fill(extend)))).toBe('ipppip');
  });

  it('a step stored as a change names the step it was made from; a broken link makes the chain unreadable', () => {
    const entries = history([rotate, patch(10, 10)]);
    expect(entries[1].storage).toEqual({ kind: 'transform', from: 'e0', transform: { op: 'rotate', direction: 'cw' } });
    expect(entries[2].storage).toEqual({ kind: 'patch', from: 'e1', box: { x: 0, y: 0, width: 10, height: 10 } });
    expect(chainTo(entries, 2)).toEqual([0, 1, 2]);
    const broken = [entries[0], entry('e1', { kind: 'transform', from: 'elsewhere', transform: { op: 'flip', axis: 'vertical' } })];
    expect(chainTo(broken, 1)).toBeNull();
    expect(replayCost(broken, 1).passes).toBe(Infinity);
  });
});
