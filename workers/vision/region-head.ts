// The region head (seed 002 §3.2) on onnxruntime-web, and the patch features it reads: CLIP's hidden
// states for patch tokens 1…256 through the projection cut out of the vision export. Both sessions
// load on first use; `release` frees them.
import { DTYPE_SUFFIX, MANIFEST, type Dtype, ioNames } from '../../models/manifest.ts';
import type { Hidden } from './encoders.ts';
import { OrtSession } from './ort-session.ts';
import { type FetchFile, loadWithFallback } from './transformers-env.ts';
import { deriveProjection } from './patch-projection.ts';

export const GRID = 16;
export const PATCHES = GRID * GRID;
export const WIDTH = 768;

/** Whether trained region-head weights are published: the manifest then gives the file's size. */
export function regionHeadPublished(): boolean {
  const file = MANIFEST['region-head'].variants.fp32?.files.region_head;
  return !!file && file.bytes !== null && file.sizeVerified;
}

/** The CLIP vision file transformers.js loads for a dtype (the manifest's path, else the library's naming). */
export function visionModelPath(dtype: Dtype): string {
  return MANIFEST['clip-vision'].variants[dtype]?.files.vision_model.path ?? `onnx/vision_model${DTYPE_SUFFIX[dtype]}.onnx`;
}

export interface InstructionFeatures {
  features: Float32Array;
  length: number;
  mask: BigInt64Array;
}

export class RegionHead {
  #projection: Promise<{ session: OrtSession; input: string; output: string }> | null = null;
  #head: Promise<OrtSession> | null = null;

  /** Where the head runs once loaded (after any WebGPU → wasm fallback); false before. */
  placed: false | 'webgpu' | 'wasm' = false;

  constructor(
    private readonly device: 'webgpu' | 'wasm',
    private readonly automatic: boolean,
    private readonly fetchFile: FetchFile,
    private readonly visionDtype: () => Promise<Dtype>,
  ) {}

  #loadProjection() {
    this.#projection ??= (async () => {
      const bytes = await this.fetchFile(MANIFEST['clip-vision'].id, visionModelPath(await this.visionDtype()));
      const p = deriveProjection(bytes);
      const { value: session } = await loadWithFallback(this.device, this.automatic, (d) => OrtSession.create(p.bytes, d));
      return { session, input: p.input, output: p.output };
    })();
    this.#projection.catch(() => (this.#projection = null));
    return this.#projection;
  }

  #loadHead() {
    this.#head ??= (async () => {
      const spec = MANIFEST['region-head'];
      const bytes = await this.fetchFile(spec.id, spec.variants.fp32!.files.region_head.path);
      const r = await loadWithFallback(this.device, this.automatic, (d) => OrtSession.create(bytes, d, ioNames(spec.sessions.region_head)));
      if (r.fallback) console.warn(`region head: ${r.fallback}`);
      this.placed = r.device;
      return r.value;
    })();
    this.#head.catch(() => (this.#head = null));
    return this.#head;
  }

  /** Patch features [256 × 768]: tokens 1…256 of the hidden states, final layer norm and projection applied. */
  async patchFeatures(hidden: Hidden): Promise<Float32Array> {
    const [batch, tokens, width] = hidden.dims;
    if (batch !== 1 || tokens !== PATCHES + 1) throw new Error(`CLIP hidden states are ${hidden.dims.join('×')}; the region head needs 1×${PATCHES + 1}×… (ViT-L/14 at 224²)`);
    const { session, input, output } = await this.#loadProjection();
    const patches = hidden.data.slice(width, tokens * width);
    const out = (await session.run({ [input]: { type: 'float32', data: patches, dims: [1, PATCHES, width] } }))[output];
    if (out.dims.join() !== [1, PATCHES, WIDTH].join()) throw new Error(`projected patches are ${out.dims.join('×')}, expected 1×${PATCHES}×${WIDTH}`);
    return out.data;
  }

  /** The 16 × 16 probability map, row-major. */
  async probabilities(patches: Float32Array, instruction: InstructionFeatures): Promise<Float32Array> {
    const head = await this.#loadHead();
    const out = await head.run({
      patch_features: { type: 'float32', data: patches, dims: [1, PATCHES, WIDTH] },
      instruction_features: { type: 'float32', data: instruction.features, dims: [1, instruction.length, WIDTH] },
      instruction_mask: { type: 'int64', data: instruction.mask, dims: [1, instruction.length] },
    });
    return out.region_probs.data;
  }

  async release(): Promise<void> {
    const [p, h] = [this.#projection, this.#head];
    this.#projection = this.#head = null;
    this.placed = false;
    await Promise.all([p?.then((x) => x.session.release()).catch(() => {}), h?.then((s) => s.release()).catch(() => {})]);
  }
}
