import { describe, expect, it } from 'vitest';
import type { Transform } from '../history/types.ts';
import { fold, foldedOffset, foldedSize, identity, isIdentity, type Folded } from './transform.ts';

/** A tiny image as a grid of distinct numbers. */
type Grid = { w: number; h: number; px: number[] };
const grid = (w: number, h: number): Grid => ({ w, h, px: Array.from({ length: w * h }, (_, i) => i) });

/** One transform, pixel by pixel, with the same definitions as ops.ts (cw: (x, y) → (h-1-y, x)). */
function step(g: Grid, t: Transform): Grid {
  const at = (x: number, y: number) => g.px[y * g.w + x];
  if (t.op === 'crop') {
    const { x, y, width, height } = t.rect;
    return { w: width, h: height, px: Array.from({ length: width * height }, (_, i) => at(x + (i % width), y + Math.floor(i / width))) };
  }
  if (t.op === 'rotate') {
    const out = { w: g.h, h: g.w, px: new Array<number>(g.w * g.h) };
    for (let y = 0; y < g.h; y++)
      for (let x = 0; x < g.w; x++) {
        const [X, Y] = t.direction === 'cw' ? [g.h - 1 - y, x] : [y, g.w - 1 - x];
        out.px[Y * out.w + X] = at(x, y);
      }
    return out;
  }
  const out = { w: g.w, h: g.h, px: new Array<number>(g.w * g.h) };
  for (let y = 0; y < g.h; y++)
    for (let x = 0; x < g.w; x++) {
      const [X, Y] = t.axis === 'horizontal' ? [g.w - 1 - x, y] : [x, g.h - 1 - y];
      out.px[Y * out.w + X] = at(x, y);
    }
  return out;
}

/** What drawTransformed draws, computed on the grid: each source pixel's centre through the map. */
function drawFolded(g: Grid, f: Folded): Grid {
  const { width, height } = foldedSize(f);
  const { e, f: o } = foldedOffset(f);
  const out = { w: width, h: height, px: new Array<number>(width * height).fill(-1) };
  for (let y = 0; y < f.src.height; y++)
    for (let x = 0; x < f.src.width; x++) {
      const X = Math.floor(f.a * (x + 0.5) + f.c * (y + 0.5) + e);
      const Y = Math.floor(f.b * (x + 0.5) + f.d * (y + 0.5) + o);
      out.px[Y * width + X] = g.px[(f.src.y + y) * g.w + f.src.x + x];
    }
  return out;
}

/** Deterministic pseudo-random sequences of transforms that stay inside the image. */
function sequence(seed: number, w: number, h: number, n: number): Transform[] {
  let s = seed;
  const rand = (k: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 16) % k;
  };
  const out: Transform[] = [];
  let [cw, ch] = [w, h];
  for (let i = 0; i < n; i++) {
    const kind = rand(5);
    if (kind === 0) out.push({ op: 'rotate', direction: 'cw' });
    else if (kind === 1) out.push({ op: 'rotate', direction: 'ccw' });
    else if (kind === 2) out.push({ op: 'flip', axis: 'horizontal' });
    else if (kind === 3) out.push({ op: 'flip', axis: 'vertical' });
    else {
      const width = 1 + rand(cw);
      const height = 1 + rand(ch);
      out.push({ op: 'crop', rect: { x: rand(cw - width + 1), y: rand(ch - height + 1), width, height } });
    }
    const last = out[out.length - 1];
    if (last.op === 'rotate') [cw, ch] = [ch, cw];
    if (last.op === 'crop') [cw, ch] = [last.rect.width, last.rect.height];
  }
  return out;
}

describe('folded transforms', () => {
  it('equal the transforms applied one at a time, for 300 random runs of rotations, flips and crops', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const source = grid(7, 5);
      const run = sequence(seed, 7, 5, 1 + (seed % 9));
      const stepwise = run.reduce(step, source);
      const folded = run.reduce(fold, identity(7, 5));
      expect(drawFolded(source, folded), `seed ${seed}: ${JSON.stringify(run)}`).toEqual(stepwise);
    }
  });

  it('four quarter turns, or two flips, are the identity', () => {
    const turns = Array.from({ length: 4 }, (): Transform => ({ op: 'rotate', direction: 'cw' })).reduce(fold, identity(6, 4));
    expect(isIdentity(turns, 6, 4)).toBe(true);
    const flips = ([{ op: 'flip', axis: 'vertical' }, { op: 'flip', axis: 'vertical' }] as Transform[]).reduce(fold, identity(6, 4));
    expect(isIdentity(flips, 6, 4)).toBe(true);
    expect(isIdentity(fold(identity(6, 4), { op: 'rotate', direction: 'ccw' }), 6, 4)).toBe(false);
  });

  it('refuses a crop outside the transformed image', () => {
    const turned = fold(identity(6, 4), { op: 'rotate', direction: 'cw' }); // now 4×6
    expect(() => fold(turned, { op: 'crop', rect: { x: 0, y: 0, width: 6, height: 4 } })).toThrow(RangeError);
    expect(foldedSize(fold(turned, { op: 'crop', rect: { x: 1, y: 2, width: 3, height: 4 } }))).toEqual({ width: 3, height: 4 });
  });
});
