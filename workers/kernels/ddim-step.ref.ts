import type { StepCoefficients } from '../diffusion/ddim.ts';

/** CPU reference of encodeDdimStep: updates `latents` in place and fills `predicted` with x̂₀. */
export function ddimStepRef(eps: Float32Array, latents: Float32Array, predicted: Float32Array, c: StepCoefficients): void {
  // The kernel sees f32 coefficients; round them the same way so only arithmetic order differs.
  const [sa, s1m, sap, s1mp] = [c.sqrtAlpha, c.sqrtOneMinusAlpha, c.sqrtAlphaPrev, c.sqrtOneMinusAlphaPrev].map(Math.fround);
  for (let i = 0; i < latents.length; i++) {
    const x0 = Math.fround((latents[i] - s1m * eps[i]) / sa);
    predicted[i] = x0;
    latents[i] = sap * x0 + s1mp * eps[i];
  }
}
