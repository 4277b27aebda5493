// The adjust kernel's slider values, apart from the kernel so the page can use them without the shader.

/** Slider values; see adjust.wgsl for each one's meaning. */
export interface Adjustments {
  exposure: number;
  brightness: number;
  contrast: number;
  saturation: number;
  warmth: number;
  tint: number;
  gamma: number;
  sharpen: number;
  blur: number;
  sigma: number;
}

export const NEUTRAL_ADJUSTMENTS: Readonly<Adjustments> = Object.freeze({
  exposure: 0,
  brightness: 0,
  contrast: 1,
  saturation: 1,
  warmth: 0,
  tint: 0,
  gamma: 1,
  sharpen: 0,
  blur: 0,
  sigma: 1,
});
