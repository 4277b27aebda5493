// Standalone SD1.5 graphs at any configuration with the manifest's I/O, in Node or the browser:
// weights inline, or sent to an ExternalData sink (write.ts writes `<part>.onnx_data` files).
import { type ExternalData, type WeightSource, size } from '../fixtures/onnx-builder.ts';
import { type BuildTarget, SessionGraph } from '../fixtures/spec.ts';
import { type Dtype, type UnetConfig, type VaeConfig } from './config.ts';
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

function target(part: Part, dtype: Dtype): BuildTarget {
  return { id: 'sd-generated', path: `${part}.onnx`, dtype, format: dtype, ioFloat: dtype === 'fp16' ? 'float16' : 'float32' };
}

/** One part's graph in memory (protobuf bytes); weights go to `o.external` when given. */
export function buildModel(part: Part, o: ModelOptions): Uint8Array {
  const compute = o.dtype === 'fp16' ? 'float16' : 'float32';
  const s = new SessionGraph('sd-inpaint', part, target(part, o.dtype), {}, 0, o.weights, { compute, external: o.external, doc: `SD1.5 ${part} topology, random weights` });
  if (part === 'unet') buildUnet(s, o.unet, o.probes);
  else if (part === 'vae_encoder') buildVaeEncoder(s, o.vae, o.probes);
  else buildVaeDecoder(s, o.vae, o.probes);
  return s.g.toModel();
}
