/**
 * Element conversions between the tensor types a model may declare (float32, float16, int64,
 * int32). float16 travels as its 16-bit patterns in a Uint16Array (what ORT accepts everywhere);
 * ORT may hand float16 back as a Float16Array of values where the browser has one.
 */

export type NumericType = 'float32' | 'float16' | 'int64' | 'int32';
export type NumericData = Float32Array | Uint16Array | BigInt64Array | Int32Array;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The IEEE half nearest to `x` (round half to even), as its bit pattern. */
export function toHalfBits(x: number): number {
  f32[0] = x;
  return halfFromFloatBits(u32[0]);
}

/** Half-precision bits from the 32 bits of a float32 (round to nearest even); no allocation, for bulk loops. */
export function halfFromFloatBits(b: number): number {
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // a carry into the exponent is still right
  return sign | half;
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Values of any tensor data as plain numbers (float16 decoded; int64 through Number). */
export function toNumbers(data: ArrayLike<number> | ArrayLike<bigint> | Uint16Array, type: string): Float64Array {
  const out = new Float64Array(data.length);
  // A Uint16Array under float16 holds bit patterns; a Float16Array holds the values already.
  const halfBits = type === 'float16' && data instanceof Uint16Array;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    out[i] = halfBits ? fromHalfBits(v as number) : Number(v);
  }
  return out;
}

/** `values` as the data array ORT expects for `type`. Integers must be whole numbers. */
export function fromNumbers(values: ArrayLike<number>, type: NumericType, what = 'value'): NumericData {
  switch (type) {
    case 'float32':
      return Float32Array.from(values);
    case 'float16':
      return Uint16Array.from(values, toHalfBits);
    case 'int32':
    case 'int64': {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isInteger(values[i])) throw new RangeError(`${what} is ${type}, and ${values[i]} is not a whole number`);
      }
      return type === 'int32' ? Int32Array.from(values) : BigInt64Array.from(Array.from(values), (v) => BigInt(v));
    }
  }
}

export const isNumericType = (t: string): t is NumericType => t === 'float32' || t === 'float16' || t === 'int64' || t === 'int32';
