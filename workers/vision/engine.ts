// The vision side of understanding an instruction: features (CLIP image embedding and patch
// features, FLAN-T5 instruction features, CLIP text embeddings) and the editing mask for a plan —
// from the region head when trained weights are published (or asked for), else from CLIPSeg
// prompted with the plan's target phrase; outpaint plans get the new area; global, generate and
// answer plans get no mask.
import type { EditPlan } from '../language/types.ts';
import type { Dtype, Role } from '../../models/manifest.ts';
import { Encoders } from './encoders.ts';
import { type OutpaintCanvas, type Plane, outpaintCanvas, outpaintMask } from './geometry.ts';
import { DEFAULT_MASK_OPTIONS, type MaskOptions, refineMask } from './mask.ts';
import { GRID, type InstructionFeatures, RegionHead, regionHeadPublished } from './region-head.ts';
import type { SourceImage } from './source-image.ts';
import { type FetchFile, localFileUrl, pickDevice } from './transformers-env.ts';

export type MaskMethod = 'region-head' | 'clipseg';

export interface VisionOptions {
  device?: 'webgpu' | 'wasm' | 'auto';
  /** Per-role overrides of `device` ('region-head' covers the patch projection too). */
  devices?: Partial<Record<Role, 'webgpu' | 'wasm'>>;
  dtypes?: Partial<Record<Role, Dtype>>;
  /** auto: the region head once its trained weights are published in the manifest, else CLIPSeg. */
  maskMethod?: 'auto' | MaskMethod;
  /** Cleanup for region-head maps (16 × 16 probabilities). */
  regionMask?: Partial<MaskOptions>;
  /** Cleanup for CLIPSeg maps: two levels, the low one keeping the soft edges of confident regions. */
  clipsegMask?: Partial<MaskOptions>;
  /** Outpaint seam ramp into the original, as a fraction of its longer side. */
  outpaintOverlap?: number;
  /** Raw model files the worker reads itself (the CLIP vision export, the region head). */
  fetchFile?: FetchFile;
}

export interface Features {
  imageEmbeds: Float32Array;
  /** 256 × 768, or null when the CLIP export lacks what they need (see notes). */
  patchFeatures: Float32Array | null;
  instruction: InstructionFeatures;
  notes: string[];
  ms: { image: number; patches: number; instruction: number };
}

export interface MaskResult {
  /** What made the mask; null when the plan needs none. */
  method: MaskMethod | 'outpaint' | null;
  /** f32 in [0, 1], 1 = edit, at the image's size (the canvas's for outpaint). */
  mask: Plane | null;
  /** The coarse map the mask came from: the region head's 16 × 16, or CLIPSeg's. */
  probabilities: Plane | null;
  /** Outpaint only: the extended canvas and where the image sits in it. */
  canvas: OutpaintCanvas | null;
  /** The text that prompted the map (target phrase, or the instruction for the region head). */
  phrase: string;
  coverage: number;
  /** Nothing passed the thresholds: the caller should say the target was not found. */
  empty: boolean;
  notes: string[];
  ms: Record<string, number>;
}

export type MaskPlan = Pick<EditPlan, 'kind' | 'instruction' | 'target' | 'outpaint'>;

async function fetchLocal(id: string, path: string): Promise<Uint8Array> {
  const url = localFileUrl(id, path);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return new Uint8Array(await r.arrayBuffer());
}

const CLIPSEG_MASK: Partial<MaskOptions> = { levels: [0.5, 0.35] };

export class Vision {
  #device: Promise<'webgpu' | 'wasm'>;
  #encoders: Promise<Encoders>;
  #head: Promise<RegionHead>;

  constructor(private readonly options: VisionOptions = {}) {
    this.#device = pickDevice(options.device ?? 'auto');
    const automatic = (options.device ?? 'auto') === 'auto';
    this.#encoders = this.#device.then((device) => new Encoders({ device, automatic, devices: options.devices, dtypes: options.dtypes }));
    this.#head = Promise.all([this.#device, this.#encoders]).then(([device, enc]) => new RegionHead(options.devices?.['region-head'] ?? device, automatic && !options.devices?.['region-head'], options.fetchFile ?? fetchLocal, () => enc.dtype('clip-vision')));
  }

  device(): Promise<'webgpu' | 'wasm'> {
    return this.#device;
  }

  /** The method `auto` resolves to now. */
  defaultMethod(): MaskMethod {
    const m = this.options.maskMethod ?? 'auto';
    return m === 'auto' ? (regionHeadPublished() ? 'region-head' : 'clipseg') : m;
  }

  /** CLIP image embedding, patch features and FLAN-T5 instruction features (seed 002 §3.1). */
  async features(image: SourceImage, instruction: string): Promise<Features> {
    const [enc, head] = await Promise.all([this.#encoders, this.#head]);
    const notes: string[] = [];
    const t0 = performance.now();
    const { imageEmbeds, hidden } = await enc.image(image);
    const t1 = performance.now();
    let patchFeatures: Float32Array | null = null;
    if (!hidden) notes.push('the CLIP vision export does not declare last_hidden_state: no patch features, so the region head cannot run');
    else {
      try {
        patchFeatures = await head.patchFeatures(hidden);
      } catch (e) {
        notes.push(`no patch features: ${(e as Error).message}`);
      }
    }
    const t2 = performance.now();
    const instr = await enc.instruction(instruction);
    return { imageEmbeds, patchFeatures, instruction: instr, notes, ms: { image: t1 - t0, patches: t2 - t1, instruction: performance.now() - t2 } };
  }

  /** CLIP text embeddings (e.g. of the source and target descriptions). */
  async embedText(texts: string[]): Promise<Float32Array[]> {
    return (await this.#encoders).text(texts);
  }

  /** The region head's 16 × 16 map for an image and instruction. */
  async regionMap(image: SourceImage, instruction: string): Promise<{ map: Plane; features: Features }> {
    const features = await this.features(image, instruction);
    if (!features.patchFeatures) throw new Error(features.notes.join('; '));
    const data = await (await this.#head).probabilities(features.patchFeatures, features.instruction);
    return { map: { data, width: GRID, height: GRID }, features };
  }

  /** The editing mask for a plan on this image. */
  async mask(image: SourceImage, plan: MaskPlan, method: MaskMethod = this.defaultMethod()): Promise<MaskResult> {
    const base: MaskResult = { method: null, mask: null, probabilities: null, canvas: null, phrase: '', coverage: 0, empty: false, notes: [], ms: {} };
    const { width, height } = image;
    if (plan.kind === 'outpaint') {
      if (!plan.outpaint) throw new Error('outpaint plan without extents');
      const canvas = outpaintCanvas(width, height, plan.outpaint);
      const overlap = Math.round((this.options.outpaintOverlap ?? 0.02) * Math.max(width, height));
      const mask = outpaintMask(canvas, width, height, overlap);
      return { ...base, method: 'outpaint', mask, canvas, coverage: 1 - (width * height) / (canvas.width * canvas.height) };
    }
    if (plan.kind !== 'local') return base;

    const notes: string[] = [];
    const t0 = performance.now();
    if (method === 'region-head') {
      try {
        const { map, features } = await this.regionMap(image, plan.instruction);
        const t1 = performance.now();
        const r = refineMask(map, width, height, { ...DEFAULT_MASK_OPTIONS, ...this.options.regionMask });
        return { ...base, method, mask: r.mask, probabilities: map, phrase: plan.instruction, coverage: r.coverage, empty: r.coverage === 0, notes: features.notes, ms: { ...features.ms, region: t1 - t0 - sum(features.ms), refine: performance.now() - t1 } };
      } catch (e) {
        notes.push(`region head unavailable (${(e as Error).message}); CLIPSeg instead`);
      }
    }
    const phrase = plan.target || plan.instruction;
    const t1 = performance.now();
    const map = await (await this.#encoders).clipsegMap(image, phrase);
    const t2 = performance.now();
    const r = refineMask(map, width, height, { ...DEFAULT_MASK_OPTIONS, ...CLIPSEG_MASK, ...this.options.clipsegMask });
    return { ...base, method: 'clipseg', mask: r.mask, probabilities: map, phrase, coverage: r.coverage, empty: r.coverage === 0, notes, ms: { clipseg: t2 - t1, refine: performance.now() - t2 } };
  }

  /** Which models are resident, and where (false: not loaded). */
  async loaded(): Promise<Record<'clip-vision' | 'clip-text' | 't5-encoder' | 'clipseg' | 'region-head', false | 'webgpu' | 'wasm'>> {
    const [enc, head] = await Promise.all([this.#encoders, this.#head]);
    const at = (role: Role, lazy: { loaded: boolean }) => (lazy.loaded ? (enc.placed[role] ?? false) : false);
    return { 'clip-vision': at('clip-vision', enc.clipVision), 'clip-text': at('clip-text', enc.clipText), 't5-encoder': at('t5-encoder', enc.t5), clipseg: at('clipseg', enc.clipseg), 'region-head': head.placed };
  }

  /** Frees every model; the next call loads what it needs again. */
  async release(): Promise<void> {
    const [enc, head] = await Promise.all([this.#encoders, this.#head]);
    await Promise.all([enc.release(), head.release()]);
  }
}

const sum = (ms: Record<string, number>) => Object.values(ms).reduce((a, b) => a + b, 0);
