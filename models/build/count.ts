// Parameters and FLOPs of a configuration, from its plan alone (no weights built).
// FLOPs count a multiply-add as 2 and cover convolutions, linear layers and the two attention
// products (Q·Kᵀ and P·V); norms, activations, softmax and adds are left out (< 1 % of the total).
import { type Step, type UnetConfig, type VaeConfig, headsAt, unetPlan, vaeDecoderPlan, vaeEncoderPlan } from './sd-config.ts';

export interface Counts {
  params: number;
  /** FLOPs of one evaluation at the given size and batch. */
  flops: number;
}

/** Spatial size: latent for the UNet, image for the VAE (whose latent is image ÷ 8). */
export interface Size {
  height: number;
  width: number;
  batch?: number;
}

const convParams = (cin: number, cout: number, k: number) => cout * cin * k * k + cout;
const norm = (c: number) => 2 * c;
const dense = (cin: number, cout: number, bias = true) => cin * cout + (bias ? cout : 0);

interface Env {
  groups: number;
  tembDim: number;
  crossDim: number;
  textTokens: number;
  /** Positions at a level (level 0: full size). */
  at(level: number): number;
}

function resnetCounts(s: Extract<Step, { op: 'resnet' }>, e: Env): Counts {
  const n = e.at(s.level);
  const short = s.cin !== s.cout;
  const params =
    norm(s.cin) + convParams(s.cin, s.cout, 3) + (e.tembDim ? dense(e.tembDim, s.cout) : 0) + norm(s.cout) + convParams(s.cout, s.cout, 3) + (short ? convParams(s.cin, s.cout, 1) : 0);
  const flops = 2 * n * (9 * s.cin * s.cout + 9 * s.cout * s.cout + (short ? s.cin * s.cout : 0)) + 2 * e.tembDim * s.cout;
  return { params, flops };
}

function transformerCounts(c: number, n: number, e: Env): Counts {
  const t = e.textTokens;
  const params =
    norm(c) + 2 * convParams(c, c, 1) + 3 * norm(c) + // GN, proj_in/out, three LayerNorms
    3 * dense(c, c, false) + dense(c, c) + // self-attention
    dense(c, c, false) + 2 * dense(e.crossDim, c, false) + dense(c, c) + // cross-attention
    dense(c, 8 * c) + dense(4 * c, c); // GEGLU feed-forward
  const linear = 2 * n * c * c * (2 + 4 + 2 + 8 + 4) + 2 * 2 * t * e.crossDim * c; // proj, attn1, attn2 q/o, ff; attn2 k/v
  const products = 2 * 2 * n * n * c + 2 * 2 * n * t * c;
  return { params, flops: linear + products };
}

function stepCounts(s: Step, e: Env): Counts {
  switch (s.op) {
    case 'conv':
      return { params: convParams(s.cin, s.cout, s.k), flops: 2 * e.at(s.level) * s.cin * s.cout * s.k * s.k };
    case 'resnet':
      return resnetCounts(s, e);
    case 'transformer':
      return transformerCounts(s.c, e.at(s.level), e);
    case 'attention': {
      const n = e.at(s.level);
      return { params: norm(s.c) + 4 * dense(s.c, s.c), flops: 8 * n * s.c * s.c + 4 * n * n * s.c };
    }
    case 'down':
      return { params: convParams(s.c, s.c, 3), flops: 2 * e.at(s.level + 1) * 9 * s.c * s.c };
    case 'up':
      return { params: convParams(s.c, s.c, 3), flops: 2 * e.at(s.level - 1) * 9 * s.c * s.c };
    case 'norm-out':
      return { params: norm(s.c), flops: 0 };
    case 'skip':
      return { params: 0, flops: 0 };
  }
}

function total(plan: Step[], e: Env, batch: number, extra: Counts = { params: 0, flops: 0 }): Counts {
  const sum = plan.map((s) => stepCounts(s, e)).reduce((a, b) => ({ params: a.params + b.params, flops: a.flops + b.flops }), extra);
  return { params: sum.params, flops: sum.flops * batch };
}

function levels(size: Size): (level: number) => number {
  return (level) => Math.ceil(size.height / 2 ** level) * Math.ceil(size.width / 2 ** level);
}

/** The UNet at a latent size, with `textTokens` text states (77 per prompt chunk). */
export function unetCounts(cfg: UnetConfig, size: Size, textTokens = 77): Counts {
  const dim = 4 * cfg.base;
  const e: Env = { groups: cfg.groups, tembDim: dim, crossDim: cfg.crossDim, textTokens, at: levels(size) };
  const time = { params: dense(cfg.base, dim) + dense(dim, dim), flops: 2 * (cfg.base * dim + dim * dim) };
  return total(unetPlan(cfg), e, size.batch ?? 1, time);
}

/** The VAE encoder or decoder at an image size (its latent is ÷ 8). */
export function vaeCounts(cfg: VaeConfig, part: 'encoder' | 'decoder', size: Size): Counts {
  const e: Env = { groups: cfg.groups, tembDim: 0, crossDim: 0, textTokens: 0, at: levels(size) };
  return total(part === 'encoder' ? vaeEncoderPlan(cfg) : vaeDecoderPlan(cfg), e, size.batch ?? 1);
}

/**
 * Bytes of the largest attention-score tensor [B, heads, N, N] (N positions at the first level
 * with attention): what unfused attention must hold at once. At 512², batch 2, fp32 it is 1 GiB.
 */
export function attentionScoresBytes(cfg: UnetConfig, size: Size, bytesPerValue: number): number {
  const level = cfg.attention.indexOf(true);
  const n = levels(size)(level < 0 ? cfg.mult.length - 1 : level);
  return (size.batch ?? 1) * headsAt(cfg, 0) * n * n * bytesPerValue;
}

export const fmtParams = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);
export const fmtFlops = (n: number) => (n >= 1e12 ? `${(n / 1e12).toFixed(3)} TFLOP` : `${(n / 1e9).toFixed(2)} GFLOP`);
