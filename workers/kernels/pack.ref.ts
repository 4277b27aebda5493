/** CPU reference of encodePack. */
export function packRef(latents: Float32Array, mask: Float32Array | undefined, cond: Float32Array | undefined, plane: number, batch: number, zeroCondItems: number[] = []): Float32Array {
  const channels = 4 + (mask ? 1 : 0) + (cond ? 4 : 0);
  const out = new Float32Array(batch * channels * plane);
  for (let b = 0; b < batch; b++) {
    const base = b * channels * plane;
    out.set(latents.subarray(0, 4 * plane), base);
    if (mask) out.set(mask.subarray(0, plane), base + 4 * plane);
    if (cond && !zeroCondItems.includes(b)) out.set(cond.subarray(0, 4 * plane), base + (channels - 4) * plane);
  }
  return out;
}
