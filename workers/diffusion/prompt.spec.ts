import { describe, expect, it } from 'vitest';
import { CLIP_SPECIAL, chunkIds, chunksFor, promptPair } from './prompt.ts';

const tokens = (n: number, from = 1000) => Array.from({ length: n }, (_, i) => from + i);

describe('LLMGA prompt chunks', () => {
  it.each([
    [0, 1],
    [1, 1],
    [75, 1],
    [76, 2],
    [150, 2],
    [151, 3],
    [300, 4],
  ])('%i tokens need %i chunk(s)', (n, k) => expect(chunksFor(n)).toBe(k));

  it('wraps each chunk in BOS … EOS and pads with the pad id', () => {
    const ids = chunkIds(tokens(80), 2);
    expect(ids.length).toBe(154);
    expect(ids[0]).toBe(49406);
    expect(Array.from(ids.subarray(1, 76))).toEqual(tokens(75));
    expect(ids[76]).toBe(49407);
    expect(ids[77]).toBe(49406);
    expect(Array.from(ids.subarray(78, 83))).toEqual(tokens(5, 1075));
    expect(Array.from(ids.subarray(83, 153))).toEqual(new Array(70).fill(CLIP_SPECIAL.pad));
    expect(ids[153]).toBe(49407);
  });

  it.each([
    ['short prompt, empty negative', 10, 0, 1],
    ['2 chunks; negative padded to 2', 100, 3, 2],
    ['long negative sets k', 5, 200, 3],
    ['4 chunks exactly', 300, 0, 4],
  ])('%s', (_name, nc, nu, k) => {
    const p = promptPair(tokens(nc), tokens(nu, 2000));
    expect(p.chunks).toBe(k);
    expect(p.cond.length).toBe(77 * k);
    expect(p.uncond.length).toBe(77 * k);
    expect(p.truncated).toEqual({ cond: 0, uncond: 0 });
    for (let c = 0; c < k; c++) {
      expect([p.cond[77 * c], p.cond[77 * c + 76], p.uncond[77 * c], p.uncond[77 * c + 76]]).toEqual([49406, 49407, 49406, 49407]);
    }
    const content = (ids: Int32Array) => Array.from(ids).filter((_, i) => i % 77 !== 0 && i % 77 !== 76).filter((id) => id !== 49407);
    expect(content(p.cond)).toEqual(tokens(nc));
    expect(content(p.uncond)).toEqual(tokens(nu, 2000));
  });

  it('caps k and says how many tokens were dropped', () => {
    const p = promptPair(tokens(400), tokens(10), 4);
    expect(p.chunks).toBe(4);
    expect(p.truncated).toEqual({ cond: 100, uncond: 0 });
    expect(p.cond[307]).toBe(49407);
    expect(p.cond[306]).toBe(1000 + 299);
    expect(promptPair(tokens(400), [], 2).chunks).toBe(2);
    expect(() => promptPair([], [], 0)).toThrow(/maxChunks/);
  });
});
