import { describe, expect, it } from 'vitest';
import { grid1d, packParams, parseParams } from './kernel.ts';

describe('Params layout parsed from WGSL', () => {
  const wgsl = `
    struct Params {
      // a comment, with a comma
      count: u32,
      scale: f32,
      offset: vec2f,
      bias: i32,
      rows: array<vec4f, 2>, // trailing comment
      tail: u32,
    }`;

  it('follows the WGSL uniform alignment rules', () => {
    const layout = parseParams(wgsl)!;
    expect(layout.fields.map((f) => [f.name, f.offset])).toEqual([
      ['count', 0],
      ['scale', 4],
      ['offset', 8],
      ['bias', 16],
      ['rows', 32],
      ['tail', 64],
    ]);
    expect(layout.size).toBe(80);
  });

  it('packs by name and rejects missing, unknown or mis-sized fields', () => {
    const layout = parseParams(wgsl)!;
    const values = { count: 3, scale: 0.5, offset: [1, 2], bias: -4, rows: [1, 2, 3, 4, 5, 6, 7, 8], tail: 9 };
    const view = new DataView(packParams(layout, values));
    expect(view.getUint32(0, true)).toBe(3);
    expect(view.getFloat32(4, true)).toBe(0.5);
    expect(view.getFloat32(12, true)).toBe(2);
    expect(view.getInt32(16, true)).toBe(-4);
    expect(view.getFloat32(32 + 4 * 7, true)).toBe(8);
    expect(view.getUint32(64, true)).toBe(9);
    expect(() => packParams(layout, { ...values, extra: 1 })).toThrow(/unknown/);
    const { tail: _tail, ...missing } = values;
    expect(() => packParams(layout, missing)).toThrow(/missing/);
    expect(() => packParams(layout, { ...values, offset: [1] })).toThrow(/wants 2/);
  });

  it('returns null for shaders without Params', () => {
    expect(parseParams('@compute @workgroup_size(1) fn main() {}')).toBeNull();
  });

  it('wraps 1-D grids into y past 65 535 workgroups', () => {
    expect(grid1d(1, 64)).toEqual([1, 1, 1]);
    expect(grid1d(65535 * 64, 64)).toEqual([65535, 1, 1]);
    expect(grid1d(65535 * 64 + 1, 64)).toEqual([65535, 2, 1]);
  });
});
