import { describe, expect, it } from 'vitest';
import { fromHalfBits, fromNumbers, toHalfBits, toNumbers } from './convert.ts';

describe('float16 conversion', () => {
  it.each([
    [1, 0x3c00],
    [0.5, 0x3800],
    [-2, 0xc000],
    [65504, 0x7bff],
    [65520, 0x7c00], // rounds up to infinity
    [1 / 3, 0x3555],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to zero: ties to even
    [1 + 2 ** -11, 0x3c00], // halfway between 1 and the next half: ties to even
    [1 + 3 * 2 ** -11, 0x3c02],
    [-0, 0x8000],
    [Infinity, 0x7c00],
  ])('%d → %i', (x, bits) => {
    expect(toHalfBits(x)).toBe(bits);
  });

  it('round-trips every finite half exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00) continue;
      expect(toHalfBits(fromHalfBits(h))).toBe(h);
    }
    expect(fromHalfBits(0x7e00)).toBeNaN();
    expect(toHalfBits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it('rounds to the nearest half within half an ulp', () => {
    for (const x of [0.1, 3.14159, -1234.5678, 6e-5, 1e-7]) {
      const back = fromHalfBits(toHalfBits(x));
      const ulp = Math.abs(x) < 2 ** -14 ? 2 ** -24 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
      expect(Math.abs(back - x)).toBeLessThanOrEqual(ulp / 2);
    }
  });
});

describe('tensor data conversion', () => {
  it('numbers to int64 and back', () => {
    const data = fromNumbers([981, 1, -3], 'int64');
    expect(data).toEqual(BigInt64Array.from([981n, 1n, -3n]));
    expect(Array.from(toNumbers(data as BigInt64Array, 'int64'))).toEqual([981, 1, -3]);
  });

  it('refuses fractions for integer types, naming the input', () => {
    expect(() => fromNumbers([500.5], 'int64', "input 'timestep'")).toThrow(/input 'timestep' is int64, and 500.5 is not a whole number/);
  });

  it('float16 bit patterns decode; float16 values (Float16Array) pass through', () => {
    const bits = fromNumbers([0.25, -8], 'float16') as Uint16Array;
    expect(Array.from(bits)).toEqual([0x3400, 0xc800]);
    expect(Array.from(toNumbers(bits, 'float16'))).toEqual([0.25, -8]);
    expect(Array.from(toNumbers(Float32Array.of(0.25, -8), 'float16'))).toEqual([0.25, -8]);
  });
});
