// CPU reference of the region head graph (scripts/fixtures/specs/region-head.ts, seed 002 §3.2):
//   F_c = F + CrossAttn(Q = F, K = V = T, key mask)      Eq. 1
//   F_r = F_c + SelfAttn(F_c)                             Eq. 2
//   P   = sigmoid(fc2(GELU(fc1(F_r))))  → 16 × 16         Eq. 3
// Parameters by their trained-weights names without the `region_head.` prefix; linear weights are
// [in, out]. Plain loops in float64 accumulators: slow, exact, for tests.
import { floatData, type OnnxModel } from './onnx-wire.ts';

export type RegionHeadWeights = Record<string, Float32Array>;
export interface RegionHeadShape {
  heads: number;
  headDim: number;
}

export const REGION_HEAD_PARAMS = Object.freeze([
  ...['cross_attn', 'self_attn'].flatMap((m) => ['q', 'k', 'v', 'o'].flatMap((p) => [`${m}.${p}.weight`, `${m}.${p}.bias`])),
  'mlp.fc1.weight', 'mlp.fc1.bias', 'mlp.fc2.weight', 'mlp.fc2.bias',
]);

/** x [rows, inDim] · W [inDim, outDim] + b. */
export function linearRef(x: Float32Array, rows: number, inDim: number, w: Float32Array, b: Float32Array | null, outDim: number): Float32Array {
  const out = new Float32Array(rows * outDim);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outDim; o++) {
      let acc = b ? b[o] : 0;
      for (let i = 0; i < inDim; i++) acc += x[r * inDim + i] * w[i * outDim + o];
      out[r * outDim + o] = acc;
    }
  }
  return out;
}

/** erf through Numerical Recipes' Chebyshev fit of erfc (fractional error below 1.2e-7). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    1 -
    t *
      Math.exp(
        -x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
      );
  return x >= 0 ? y : -y;
}

export const geluRef = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** Multi-head attention: queries from x [S, 768], keys/values from ctx [T, 768]; keyMask [T] (0 = hidden) or null. */
export function attentionRef(w: RegionHeadWeights, name: string, x: Float32Array, s: number, ctx: Float32Array, t: number, keyMask: ArrayLike<number> | null, shape: RegionHeadShape): Float32Array {
  const width = shape.heads * shape.headDim;
  const d = 768;
  const q = linearRef(x, s, d, w[`${name}.q.weight`], w[`${name}.q.bias`], width);
  const k = linearRef(ctx, t, d, w[`${name}.k.weight`], w[`${name}.k.bias`], width);
  const v = linearRef(ctx, t, d, w[`${name}.v.weight`], w[`${name}.v.bias`], width);
  const merged = new Float32Array(s * width);
  const scale = 1 / Math.sqrt(shape.headDim);
  const scores = new Float64Array(t);
  for (let h = 0; h < shape.heads; h++) {
    const off = h * shape.headDim;
    for (let i = 0; i < s; i++) {
      let max = -Infinity;
      for (let j = 0; j < t; j++) {
        let dot = 0;
        for (let c = 0; c < shape.headDim; c++) dot += q[i * width + off + c] * k[j * width + off + c];
        scores[j] = dot * scale + (keyMask && !keyMask[j] ? -1e9 : 0);
        max = Math.max(max, scores[j]);
      }
      let sum = 0;
      for (let j = 0; j < t; j++) sum += scores[j] = Math.exp(scores[j] - max);
      for (let c = 0; c < shape.headDim; c++) {
        let acc = 0;
        for (let j = 0; j < t; j++) acc += scores[j] * v[j * width + off + c];
        merged[i * width + off + c] = acc / sum;
      }
    }
  }
  return linearRef(merged, s, width, w[`${name}.o.weight`], w[`${name}.o.bias`], d);
}

/** Probabilities [256] (row-major 16 × 16) for one image: patches [256, 768], instruction [L, 768], mask [L]. */
export function regionHeadRef(w: RegionHeadWeights, shape: RegionHeadShape, patches: Float32Array, instruction: Float32Array, length: number, mask: ArrayLike<number>): Float32Array {
  const n = 256;
  const cross = attentionRef(w, 'cross_attn', patches, n, instruction, length, mask, shape);
  const fused = patches.map((p, i) => p + cross[i]);
  const self = attentionRef(w, 'self_attn', fused, n, fused, n, null, shape);
  const refined = fused.map((p, i) => p + self[i]);
  const hiddenDim = w['mlp.fc1.bias'].length;
  const hidden = linearRef(refined, n, 768, w['mlp.fc1.weight'], w['mlp.fc1.bias'], hiddenDim).map(geluRef);
  const logits = linearRef(hidden, n, hiddenDim, w['mlp.fc2.weight'], w['mlp.fc2.bias'], 1);
  return logits.map((z) => 1 / (1 + Math.exp(-z)));
}

/**
 * The parameters stored in an fp32 region-head ONNX file built by scripts/fixtures (initializer
 * names are the parameter names with dots as underscores and a `_0` suffix). Throws if one is missing.
 */
export function regionHeadWeightsFromOnnx(model: OnnxModel): RegionHeadWeights {
  const byName = new Map(model.initializers.map((t) => [t.name, t]));
  const out: RegionHeadWeights = {};
  for (const p of REGION_HEAD_PARAMS) {
    const t = byName.get(`${p.replace(/\./g, '_')}_0`);
    if (!t) throw new Error(`region head ONNX has no initializer for ${p}`);
    out[p] = floatData(t);
  }
  return out;
}
