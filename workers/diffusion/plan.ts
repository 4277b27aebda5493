/** A request checked and resolved into what the GPU pipeline runs: canvas, mask, box, sizes, settings. */
import { DiffusionError } from './errors.ts';
import { type Rect, type Size, type WorkingSize, editBox, featherFor, outpaintCanvas, strengthStart, workingSize } from './geometry.ts';
import { type RgbaImage, blankCanvas, extendCanvas, extendMask, maskBounds, maskPlane, toRgba } from './images.ts';
import { MAX_CHUNKS } from './prompt.ts';
import type { EditKind, EditMeta, EditSettings, GenerateRequest, InpaintRequest, OutpaintRequest } from './types.ts';

export type Settings = EditMeta['settings'];

export interface EditPlan {
  kind: EditKind;
  canvas: RgbaImage;
  /** Canvas-sized mask plane in [0, 1]. */
  mask: Float32Array;
  box: Rect;
  working: Size;
  latent: Size;
  feather: number;
  settings: Settings;
  seed: number;
  /** First timestep index (strength). */
  startIndex: number;
}

const bad = (message: string): never => {
  throw new DiffusionError('bad-request', message);
};

function integer(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) bad(`${name} must be a whole number in ${lo}…${hi}, got ${v}`);
  return v;
}

export function randomSeed(): number {
  const [lo, hi] = crypto.getRandomValues(new Uint32Array(2));
  return (hi & 0x1fffff) * 2 ** 32 + lo; // 53 bits
}

function settingsOf(r: EditSettings, kind: EditKind): Settings {
  if (typeof r.prompt !== 'string') bad('prompt must be a string');
  const harmonise = r.harmonise ?? kind === 'outpaint';
  const strength = r.strength ?? 1;
  const s: Settings = {
    prompt: r.prompt,
    negativePrompt: r.negativePrompt ?? '',
    steps: integer('steps', r.steps ?? 20, 1, 1000),
    guidanceScale: r.guidanceScale ?? 7.5,
    strength,
    blend: kind === 'generate' ? false : (r.blend ?? true),
    harmonise: kind === 'generate' ? 0 : harmonise === true ? 0.5 : harmonise === false ? 0 : harmonise,
    feather: r.feather ?? -1,
    previewEvery: integer('previewEvery', r.previewEvery ?? 0, 0, 1000),
    maxChunks: integer('maxChunks', r.maxChunks ?? MAX_CHUNKS, 1, 16),
    output: r.output ?? 'rgba',
    profile: r.profile ?? false,
  };
  if (!(Number.isFinite(s.guidanceScale) && s.guidanceScale >= 0)) bad(`guidanceScale must be ≥ 0, got ${s.guidanceScale}`);
  if (typeof s.harmonise !== 'number' || !(s.harmonise >= 0 && s.harmonise <= 1)) bad(`harmonise must be a boolean or a strength in 0…1, got ${String(r.harmonise)}`);
  if (kind === 'generate' && strength !== 1) bad('text-to-image starts from pure noise: strength must be 1');
  return s;
}

function seedOf(r: EditSettings): number {
  if (r.seed === undefined) return randomSeed();
  if (!Number.isSafeInteger(r.seed) || r.seed < 0) bad(`seed must be a whole number in 0…2^53−1, got ${r.seed}`);
  return r.seed;
}

function finish(kind: EditKind, canvas: RgbaImage, mask: Float32Array, r: EditSettings, working: WorkingSize, full = false): EditPlan {
  const settings = settingsOf(r, kind);
  const bounds = maskBounds(mask, canvas.width);
  if (!bounds) bad('the mask is empty: no pixel is at or above 0.5, so there is nothing to repaint');
  const feather = full ? 0 : settings.feather >= 0 ? settings.feather : featherFor(bounds!);
  const box = full ? { x: 0, y: 0, width: canvas.width, height: canvas.height } : editBox(canvas, bounds!, { feather, maxAspect: working.maxLong / working.short });
  const size = workingSize(box, working);
  let startIndex = 0;
  try {
    startIndex = strengthStart(settings.steps, settings.strength);
  } catch (e) {
    bad((e as Error).message);
  }
  return { kind, canvas, mask, box, working: size, latent: { width: size.width / 8, height: size.height / 8 }, feather, settings: { ...settings, feather }, seed: seedOf(r), startIndex };
}

export function planInpaint(r: InpaintRequest, working: WorkingSize): EditPlan {
  const canvas = toRgba(r.image);
  return finish('inpaint', canvas, maskPlane(r.mask, canvas), r, working);
}

export function planOutpaint(r: OutpaintRequest, working: WorkingSize): EditPlan {
  const image = toRgba(r.image);
  const extend = { left: 0, right: 0, top: 0, bottom: 0, ...r.extend };
  try {
    outpaintCanvas(image, extend);
  } catch (e) {
    bad((e as Error).message);
  }
  return finish('outpaint', extendCanvas(image, extend), extendMask(image, extend), r, working);
}

export function planGenerate(r: GenerateRequest, working: WorkingSize): EditPlan {
  const size = { width: integer('width', r.width, 8, 16384), height: integer('height', r.height, 8, 16384) };
  return finish('generate', blankCanvas(size), new Float32Array(size.width * size.height).fill(1), r, working, true);
}
