// The edit plan: what the language worker hands to the rest of the editor. Every text field is
// plain text, never markup; the UI renders it as text (textContent), so nothing here is escaped.
import type { Adjustments } from '../kernels/adjust.ts';

export const EDIT_KINDS = Object.freeze(['local', 'global', 'outpaint', 'generate', 'answer'] as const);
export type EditKind = (typeof EDIT_KINDS)[number];

/** Slider names a plan may set: workers/kernels/adjust.ts minus `sigma` (the kernel's blur radius). */
export const ADJUST_NAMES = Object.freeze(['exposure', 'brightness', 'contrast', 'saturation', 'warmth', 'tint', 'gamma', 'sharpen', 'blur'] as const);
export type AdjustName = (typeof ADJUST_NAMES)[number];
export type PlanAdjustments = Partial<Pick<Adjustments, AdjustName>>;

/** Allowed range and neutral value of each slider (adjust.wgsl's meanings). */
export const ADJUST_RANGE: Readonly<Record<AdjustName, { min: number; max: number; neutral: number }>> = Object.freeze({
  exposure: { min: -3, max: 3, neutral: 0 }, // stops
  brightness: { min: -1, max: 1, neutral: 0 },
  contrast: { min: 0, max: 3, neutral: 1 },
  saturation: { min: 0, max: 3, neutral: 1 },
  warmth: { min: -1, max: 1, neutral: 0 },
  tint: { min: -1, max: 1, neutral: 0 },
  gamma: { min: 0.2, max: 5, neutral: 1 },
  sharpen: { min: 0, max: 3, neutral: 0 },
  blur: { min: 0, max: 1, neutral: 0 },
});

/** How far to extend each side: fractions of the image's width (left/right) or height (top/bottom), or pixels. */
export interface OutpaintExtents {
  left: number;
  right: number;
  top: number;
  bottom: number;
  unit: 'fraction' | 'px';
}

export interface EditPlan {
  kind: EditKind;
  /** The person's words, as typed. */
  instruction: string;
  /** The phrase naming what to change ("the cookies"); '' when the edit has no region. */
  target: string;
  /** The whole image after the edit, in one sentence (seed 002's target description). */
  targetDescription: string;
  /** MGIE's concise expressive instruction: at most two sentences. */
  expressive: string;
  /** The generation prompt (LLMGA's <gen_image>); may exceed CLIP's 75 tokens. */
  prompt: string;
  /** Global slider values; empty unless the plan sets some. */
  adjust: PlanAdjustments;
  /** Only for `outpaint`. */
  outpaint: OutpaintExtents | null;
  /** What the person is told; for `answer`, the answer. */
  reply: string;
  /** model: every field from the model's tags; mixed: some filled in from the instruction; fallback: none usable. */
  source: 'model' | 'mixed' | 'fallback';
  /** What the parser had to repair (truncated tag, unknown slider, …), for logs and tests. */
  notes: string[];
}

/** One earlier exchange of the conversation: the person's instruction and the plan it produced. */
export interface Turn {
  instruction: string;
  plan: EditPlan;
}
