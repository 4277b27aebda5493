// The semantic verdicts on what working and broken models return: each passes on the first and
// fails on the second (random, shuffled, zeroed), so a broken real model cannot pass unseen.
import { describe, expect, it } from 'vitest';
import { randomFloats } from '../build/numeric.ts';
import { CLIPSEG_INSIDE, PLANNER_QUESTION, VAE_MIN_PSNR, judgeClip, judgeClipSeg, judgePlan, judgeVae, psnr } from './judges.ts';
import { shapeMask, smoothPicture } from './pictures.ts';

const unit = (i: number, n = 8) => Float32Array.from({ length: n }, (_, k) => (k === i ? 1 : 0.1));

describe('CLIP ranking', () => {
  const red = unit(0);
  const blue = unit(1);
  it('passes when each picture is nearest its own caption, on both pictures', () => {
    const v = judgeClip({ red, blue }, { red, blue });
    expect(v.pass).toBe(true);
    expect(v.detail).toMatch(/on the red square by \d+\.\d\d logits/);
  });
  it('fails with the captions swapped (a shuffled text tower)', () => {
    expect(judgeClip({ red, blue }, { red: blue, blue: red }).pass).toBe(false);
  });
  it('fails when one picture is ranked right and the other wrong', () => {
    expect(judgeClip({ red, blue: red }, { red, blue }).pass).toBe(false);
  });
  it('fails with random embeddings that barely differ (no preference)', () => {
    const base = randomFloats(768, 1);
    const near = (seed: number) => {
      const jitter = randomFloats(768, seed, 0.001);
      return base.map((x, i) => x + jitter[i]);
    };
    const v = judgeClip({ red: near(2), blue: near(3) }, { red: near(4), blue: near(5) });
    expect(v.pass).toBe(false);
  });
  it('fails on NaN embeddings', () => {
    expect(judgeClip({ red: new Float32Array(8).fill(NaN), blue }, { red, blue })).toEqual({ pass: false, detail: 'the embeddings are not finite' });
  });
});

describe('CLIPSeg coverage', () => {
  const size = 36;
  const mask = shapeMask('red square', size);
  it('passes for a map that is high on the shape', () => {
    const v = judgeClipSeg(Float32Array.from(mask, (m, i) => (m ? 2 : -2) + 0.01 * (i % 5)), mask);
    expect(v).toMatchObject({ pass: true });
    expect(v.detail).toMatch(/^100 % of the 144 highest-scored pixels lie on the shape/);
  });
  it('fails for a random map and for a map high everywhere but the shape', () => {
    expect(judgeClipSeg(randomFloats(size * size, 3), mask).pass).toBe(false);
    expect(judgeClipSeg(Float32Array.from(mask, (m) => (m ? -2 : 2)), mask).detail).toMatch(/^0 %/);
  });
  it('fails for a map of the wrong size or with NaN', () => {
    expect(judgeClipSeg(new Float32Array(10), mask).pass).toBe(false);
    expect(judgeClipSeg(new Float32Array(size * size).fill(NaN), mask).detail).toMatch(/not finite/);
  });
  it('has a bound well above chance', () => expect(CLIPSEG_INSIDE).toBeGreaterThan(4 * (144 / (size * size))));
});

describe('VAE reconstruction', () => {
  const p = smoothPicture(64).rgb;
  it('PSNR: a uniform error of 0.1 is 20 dB; identical pictures are infinite', () => {
    expect(psnr(new Float32Array(12).fill(0.5), new Float32Array(12).fill(0.6))).toBeCloseTo(20, 5);
    expect(psnr(p, p)).toBe(Infinity);
  });
  it('passes a close reconstruction (noise of ±0.03)', () => {
    const noise = randomFloats(p.length, 9, 0.03);
    const noisy = p.map((x, i) => x + noise[i]);
    expect(judgeVae(p, noisy).pass).toBe(true);
  });
  it('fails a zeroed decoder (black or mid-grey output) and a random one', () => {
    expect(judgeVae(p, new Float32Array(p.length)).pass).toBe(false);
    expect(judgeVae(p, new Float32Array(p.length).fill(0.5)).pass).toBe(false);
    expect(judgeVae(p, randomFloats(p.length, 4, 0.5).map((x) => x + 0.5)).pass).toBe(false);
    expect(judgeVae(p, new Float32Array(p.length).fill(NaN)).detail).toBe('the reconstruction is not finite');
  });
  it('mid-grey (what a zeroed decoder gives) is far below the bound', () => {
    expect(psnr(p, new Float32Array(p.length).fill(0.5))).toBeLessThan(VAE_MIN_PSNR - 5);
  });
});

describe('planner answer', () => {
  it('passes a tagged local plan naming the square', () => {
    const v = judgePlan('<kind>local</kind><target>the red square</target><gen_image>a green circle</gen_image>');
    expect(v).toEqual({ pass: true, detail: 'a local plan with target "the red square"' });
  });
  it('fails free text, a wrong kind and a wrong target', () => {
    expect(judgePlan('Sure! I would paint it green.').detail).toMatch(/^the answer has no <kind> tag/);
    expect(judgePlan('<kind>global</kind><target>the red square</target>').detail).toBe(`<kind> is "global", expected "local" for "${PLANNER_QUESTION}"`);
    expect(judgePlan('<kind>local</kind><target>the sky</target>').pass).toBe(false);
    expect(judgePlan('').pass).toBe(false);
  });
});
