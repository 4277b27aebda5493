import { describe, expect, it } from 'vitest';
import { DdimScheduler, SD15_DDIM } from './ddim.ts';

// Every number below is copied from shared/REFERENCE.md (diffusers, float64).
const alphaTable: [t: number, alpha: number, sqrtA: number, sqrt1mA: number][] = [
  [0, 0.99915, 0.99957491, 0.02915476],
  [1, 0.9982960278, 0.99914765, 0.0412792],
  [281, 0.6223854077, 0.78891407, 0.61450353],
  [501, 0.2749990669, 0.52440353, 0.85146987],
  [901, 0.0140048979, 0.11834229, 0.99297286],
  [951, 0.0081550046, 0.09030506, 0.99591415],
  [961, 0.0072817271, 0.08533304, 0.99635248],
  [981, 0.0057755001, 0.07599671, 0.99710807],
  [999, 0.0046600985, 0.06826491, 0.99766723],
];

describe('DdimScheduler (SD1.5, diffusers parity)', () => {
  const s = new DdimScheduler(SD15_DDIM);

  it.each(alphaTable)('ᾱ at t=%i matches the reference table', (t, alpha, sqrtA, sqrt1mA) => {
    expect(s.alphasCumprod[t]).toBeCloseTo(alpha, 10);
    const c = s.noiseCoefficients(t);
    expect(c.sqrtAlpha).toBeCloseTo(sqrtA, 8);
    expect(c.sqrtOneMinusAlpha).toBeCloseTo(sqrt1mA, 8);
  });

  it('uses ᾱ₀ (not 1) after the last step because set_alpha_to_one is false', () => {
    expect(s.finalAlphaCumprod).toBeCloseTo(0.99915, 12);
    expect(s.alphaProd(-49)).toBe(s.alphasCumprod[0]);
  });

  it('produces leading timesteps with steps_offset 1', () => {
    const t20 = s.timesteps(20);
    expect(t20).toHaveLength(20);
    expect(t20.slice(0, 3)).toEqual([951, 901, 851]);
    expect(t20.slice(-2)).toEqual([51, 1]);
    expect(t20).toEqual(Array.from({ length: 20 }, (_, k) => 951 - 50 * k));
    const t50 = s.timesteps(50);
    expect(t50.slice(0, 2)).toEqual([981, 961]);
    expect(t50.at(-2)).toBe(21);
    expect(t50.at(-1)).toBe(1);
    const t100 = s.timesteps(100);
    expect([t100[0], t100[1], t100.at(-2), t100.at(-1)]).toEqual([991, 981, 11, 1]);
    expect(() => s.timesteps(0)).toThrow(RangeError);
  });

  it('computes previous timesteps as t − 1000 div N', () => {
    expect(s.prevTimestep(951, 20)).toBe(901);
    expect(s.prevTimestep(981, 50)).toBe(961);
    expect(s.prevTimestep(1, 20)).toBe(-49);
  });

  it.each([
    [951, 20, 5.55941055, 1.15439981],
    [981, 50, 6.59825875, 1.0612257],
    [1, 20, 0.98019587, 0.99435658],
    [1, 50, 0.98019587, 0.99435658],
  ])('step check t=%i N=%i with x=1, ε=0.5', (t, n, x0, prev) => {
    const out = s.step(1, 0.5, t, n);
    expect(out.x0).toBeCloseTo(x0, 7);
    expect(out.prev).toBeCloseTo(prev, 7);
  });

  it('add_noise matches the reference values', () => {
    expect(s.addNoise(1, 0.5, 981)).toBeCloseTo(0.57455075, 8);
    expect(s.addNoise(1, 0.5, 501)).toBeCloseTo(0.95013847, 8);
  });

  it('supports trailing spacing as diffusers does', () => {
    const trailing = new DdimScheduler({ ...SD15_DDIM, timestepSpacing: 'trailing' });
    expect(trailing.timesteps(20)).toEqual(Array.from({ length: 20 }, (_, k) => 999 - 50 * k));
  });
});
