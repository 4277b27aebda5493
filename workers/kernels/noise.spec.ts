import { describe, expect, it } from 'vitest';
import { noiseBitsRef, philox } from './noise.ref.ts';

const hex = (words: number[]) => words.map((x) => x.toString(16).padStart(8, '0')).join(' ');

describe('Philox4x32-10 CPU reference', () => {
  // Known-answer vectors published with Random123 (kat_vectors, philox4x32 10 rounds).
  it.each([
    ['00000000 00000000 00000000 00000000', '00000000 00000000', '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    ['ffffffff ffffffff ffffffff ffffffff', 'ffffffff ffffffff', '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    ['243f6a88 85a308d3 13198a2e 03707344', 'a4093822 299f31d0', 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ])('counter %s key %s → %s', (counter, key, expected) => {
    const words = (s: string) => s.split(' ').map((x) => parseInt(x, 16));
    expect(hex(philox(words(counter), words(key)))).toBe(expected);
  });

  it('lays blocks out as counter (index / 4, stream, 0, 0) with key (seed lo, seed hi)', () => {
    const seed = 2 ** 40 + 12345;
    const bits = noiseBitsRef(10, seed, 3);
    expect(Array.from(bits.subarray(4, 8))).toEqual(philox([1, 3, 0, 0], [12345, 256]));
    expect(Array.from(bits.subarray(8, 10))).toEqual(philox([2, 3, 0, 0], [12345, 256]).slice(0, 2));
  });
});
