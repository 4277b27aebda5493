/** CPU reference of encodeBlend (in place on `latents`). */
export function blendRef(mask: Float32Array, source: Float32Array, noise: Float32Array, latents: Float32Array, sqrtAlpha: number, sqrtOneMinusAlpha: number): void {
  const plane = mask.length;
  const sa = Math.fround(sqrtAlpha);
  const s1m = Math.fround(sqrtOneMinusAlpha);
  for (let i = 0; i < latents.length; i++) {
    const m = mask[i % plane];
    const known = sa * source[i] + s1m * noise[i];
    latents[i] = m * latents[i] + (1 - m) * known;
  }
}
