// Standalone SD1.5 graphs at any configuration with the builder's I/O (unet.ts, vae.ts), in Node or the browser:
// weights inline, or sent to an ExternalData sink (write.ts writes `<part>.onnx_data` files).
import { type ExternalData, Graph, type WeightSource, size } from './onnx-builder.ts';
import { context } from './blocks.ts';
import { randomParams } from './params.ts';
import { type Dtype, type UnetConfig, type VaeConfig } from './sd-config.ts';
import { buildUnet } from './unet.ts';
import { buildVaeDecoder, buildVaeEncoder } from './vae.ts';

export type Part = 'unet' | 'vae_encoder' | 'vae_decoder';

export interface ModelOptions {
  dtype: Dtype;
  unet: UnetConfig;
  vae: VaeConfig;
  weights: WeightSource;
  external?: ExternalData;
  /** Adds `probe.<block>` outputs: max |x| after every block. */
  probes?: boolean;
}

/**
 * Seeded uniform weights (center ± scale), the same stream as the fixtures' `seededWeights`
 * (mulberry32) in a plain loop: ~10⁹ values at full width must take seconds, not minutes.
 */
export function fastWeights(seed: number): WeightSource {
  let a = seed >>> 0;
  return {
    weight(_name, dims, { scale, center = 0 }) {
      const out = new Float32Array(size(dims));
      for (let i = 0; i < out.length; i++) {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        out[i] = center + (((t ^ (t >>> 14)) >>> 0) / 4294967296 * 2 - 1) * scale;
      }
      return out;
    },
  };
}

/** One part's graph in memory (protobuf bytes); weights go to `o.external` when given. */
export function buildModel(part: Part, o: ModelOptions): Uint8Array {
  const compute = o.dtype === 'fp16' ? 'float16' : 'float32';
  const g = new Graph(part, { weights: o.weights, format: o.dtype, compute, external: o.external, doc: `SD1.5 ${part} topology, random weights` });
  const tie = (part === 'unet' ? o.unet.tieWeights : o.vae.tieWeights) ?? false;
  const ctx = context(g, randomParams(g, tie), o.probes);
  if (part === 'unet') buildUnet(ctx, o.unet);
  else if (part === 'vae_encoder') buildVaeEncoder(ctx, o.vae);
  else buildVaeDecoder(ctx, o.vae);
  return g.toModel();
}
