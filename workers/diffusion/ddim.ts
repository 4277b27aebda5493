/**
 * DDIM scheduler (eta 0, ε-prediction) with diffusers' `DDIMScheduler` behaviour for SD1.5.
 *
 * The schedule is computed in float64: it reproduces the reference table in shared/REFERENCE.md to
 * all printed digits (diffusers' float32 cumulative product agrees to ~1e-6 relative). The GPU
 * kernels receive the per-step coefficients already rounded to f32, so the loop itself stays on
 * the GPU and the host only does this scalar arithmetic.
 */

export interface DdimConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: 'scaled_linear' | 'linear';
  /** Added to every inference timestep (`steps_offset`). */
  stepsOffset: number;
  /** When false, the ᾱ used after the last step is ᾱ₀ rather than 1. */
  setAlphaToOne: boolean;
  timestepSpacing: 'leading' | 'trailing';
}

/** SD1.5's scheduler_config.json. */
export const SD15_DDIM: Readonly<DdimConfig> = Object.freeze({
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  setAlphaToOne: false,
  timestepSpacing: 'leading',
});

/** The four square roots one DDIM step needs (f64; the kernel rounds them to f32). */
export interface StepCoefficients {
  sqrtAlpha: number;
  sqrtOneMinusAlpha: number;
  sqrtAlphaPrev: number;
  sqrtOneMinusAlphaPrev: number;
}

export class DdimScheduler {
  readonly config: Readonly<DdimConfig>;
  /** ᾱₜ for t = 0 … numTrainTimesteps − 1. */
  readonly alphasCumprod: Float64Array;
  /** ᾱ used when the previous timestep is below 0. */
  readonly finalAlphaCumprod: number;

  constructor(config: Readonly<DdimConfig> = SD15_DDIM) {
    this.config = config;
    const n = config.numTrainTimesteps;
    this.alphasCumprod = new Float64Array(n);
    let product = 1;
    for (let i = 0; i < n; i++) {
      const f = n === 1 ? 0 : i / (n - 1);
      const beta =
        config.betaSchedule === 'scaled_linear'
          ? (Math.sqrt(config.betaStart) + f * (Math.sqrt(config.betaEnd) - Math.sqrt(config.betaStart))) ** 2
          : config.betaStart + f * (config.betaEnd - config.betaStart);
      product *= 1 - beta;
      this.alphasCumprod[i] = product;
    }
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0];
  }

  /** Inference timesteps, highest first. */
  timesteps(steps: number): number[] {
    const { numTrainTimesteps: total, stepsOffset, timestepSpacing } = this.config;
    if (!Number.isInteger(steps) || steps < 1 || steps > total) throw new RangeError(`steps must be an integer in 1…${total}, got ${steps}`);
    const out: number[] = [];
    if (timestepSpacing === 'leading') {
      const ratio = Math.floor(total / steps);
      for (let k = 0; k < steps; k++) out.push((steps - 1 - k) * ratio + stepsOffset);
    } else {
      // diffusers: np.round(np.arange(total, 0, -total / steps)) − 1
      const ratio = total / steps;
      for (let k = 0; k < steps; k++) out.push(Math.round(total - k * ratio) - 1);
    }
    return out;
  }

  /** diffusers' `prev_timestep = t − total // steps` (may be negative after the last step). */
  prevTimestep(t: number, steps: number): number {
    return t - Math.floor(this.config.numTrainTimesteps / steps);
  }

  alphaProd(t: number): number {
    return t >= 0 ? this.alphasCumprod[t] : this.finalAlphaCumprod;
  }

  stepCoefficients(t: number, steps: number): StepCoefficients {
    const a = this.alphaProd(t);
    const ap = this.alphaProd(this.prevTimestep(t, steps));
    return { sqrtAlpha: Math.sqrt(a), sqrtOneMinusAlpha: Math.sqrt(1 - a), sqrtAlphaPrev: Math.sqrt(ap), sqrtOneMinusAlphaPrev: Math.sqrt(1 - ap) };
  }

  /** One scalar DDIM step: the predicted clean sample and the previous sample. */
  step(x: number, eps: number, t: number, steps: number): { x0: number; prev: number } {
    const c = this.stepCoefficients(t, steps);
    const x0 = (x - c.sqrtOneMinusAlpha * eps) / c.sqrtAlpha;
    return { x0, prev: c.sqrtAlphaPrev * x0 + c.sqrtOneMinusAlphaPrev * eps };
  }

  /** √ᾱₜ·x₀ + √(1−ᾱₜ)·ε — diffusers' `add_noise`. */
  addNoise(x0: number, eps: number, t: number): number {
    const a = this.alphaProd(t);
    return Math.sqrt(a) * x0 + Math.sqrt(1 - a) * eps;
  }

  /** Coefficients of add_noise at t as (√ᾱ, √(1−ᾱ)); t < 0 means "clean" (1, 0). */
  noiseCoefficients(t: number): { sqrtAlpha: number; sqrtOneMinusAlpha: number } {
    if (t < 0) return { sqrtAlpha: 1, sqrtOneMinusAlpha: 0 };
    const a = this.alphasCumprod[t];
    return { sqrtAlpha: Math.sqrt(a), sqrtOneMinusAlpha: Math.sqrt(1 - a) };
  }
}
