// `node scripts/sd/generate.mjs [--width 320] [--vae-width 128] [--dtype fp16] [--res 512,768]
//   [--parts unet,vae_decoder,vae_encoder] [--out DIR] [--count-only]`
// Prints each part's parameters and FLOPs (from the configuration alone), then, unless
// --count-only, writes `<part>.onnx` + `<part>.onnx_data` into DIR with seeded random weights.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Dtype, type UnetConfig, type VaeConfig, unetConfig, vaeBaseFor, vaeConfig } from '../../models/build/sd-config.ts';
import { attentionScoresBytes, fmtFlops, fmtParams, unetCounts, vaeCounts } from '../../models/build/count.ts';
import { type Part, fastWeights } from '../../models/build/model.ts';
import { type WrittenModel, writeModel } from './write.ts';

export const PARTS: readonly Part[] = ['unet', 'vae_decoder', 'vae_encoder'];

export interface GenerateOptions {
  width: number;
  vaeWidth: number;
  dtype: Dtype;
  /** Image resolutions (square) the counts are printed for; latents are ÷ 8. */
  res: number[];
  parts: Part[];
  out?: string;
  seed?: number;
}

export function configs(o: Pick<GenerateOptions, 'width' | 'vaeWidth'>): { unet: UnetConfig; vae: VaeConfig } {
  return { unet: unetConfig(o.width), vae: vaeConfig(o.vaeWidth) };
}

/** One line per part and resolution: parameters, FLOPs (UNet at the CFG batch of 2), largest attention matrix. */
export function summary(o: GenerateOptions): string[] {
  const { unet, vae } = configs(o);
  const bytes = o.dtype === 'fp16' ? 2 : 4;
  const lines = [`config: UNet width ${o.width} (channels ${unet.mult.map((m) => m * o.width).join('/')}, ${unet.heads} heads, GroupNorm ${unet.groups}), VAE width ${o.vaeWidth}, ${o.dtype}`];
  for (const part of o.parts) {
    for (const side of o.res) {
      const latent = { height: side / 8, width: side / 8 };
      const image = { height: side, width: side };
      const c = part === 'unet' ? unetCounts(unet, { ...latent, batch: 2 }) : vaeCounts(vae, part === 'vae_decoder' ? 'decoder' : 'encoder', image);
      const scores = part === 'unet' ? `, attention scores ${(attentionScoresBytes(unet, { ...latent, batch: 2 }, bytes) / 2 ** 20).toFixed(0)} MiB` : '';
      const what = part === 'unet' ? `batch 2 at ${side}² (latent ${side / 8}²)` : `batch 1 at ${side}²`;
      lines.push(`${part.padEnd(12)} ${fmtParams(c.params).padStart(10)} parameters, ${fmtFlops(c.flops)} per evaluation, ${what}${scores}`);
    }
  }
  return lines;
}

export function generate(o: GenerateOptions & { out: string }): WrittenModel[] {
  mkdirSync(o.out, { recursive: true });
  const { unet, vae } = configs(o);
  return o.parts.map((part, i) => writeModel(o.out, part, { dtype: o.dtype, unet, vae, weights: fastWeights((o.seed ?? 1) + i) }));
}

export function parseArgs(args: string[]): GenerateOptions & { countOnly: boolean } {
  const get = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const width = Number(get('--width') ?? 320);
  const dtype = (get('--dtype') ?? 'fp16') as Dtype;
  if (dtype !== 'fp16' && dtype !== 'fp32') throw new Error(`--dtype must be fp16 or fp32, not ${dtype}`);
  const res = (get('--res') ?? '512').split(',').map(Number);
  if (res.some((r) => !(r > 0) || r % 64 !== 0)) throw new Error('--res sides must be multiples of 64 (latents ÷ 8, three ÷ 2 levels)');
  const parts = (get('--parts') ?? PARTS.join(',')).split(',') as Part[];
  for (const p of parts) if (!PARTS.includes(p)) throw new Error(`unknown part ${p}; parts are ${PARTS.join(', ')}`);
  return { width, vaeWidth: Number(get('--vae-width') ?? vaeBaseFor(width)), dtype, res, parts, out: get('--out'), countOnly: args.includes('--count-only') };
}

export function main(args: string[]): void {
  const o = parseArgs(args);
  console.log('FLOPs count a multiply-add as 2 (convolutions, linear layers, attention products).');
  for (const line of summary(o)) console.log(line);
  if (o.countOnly) return;
  const out = resolve(o.out ?? 'sd-generated');
  const t0 = performance.now();
  for (const m of generate({ ...o, out })) console.log(`wrote ${m.path} (${(m.modelBytes / 1e3).toFixed(0)} kB) + ${m.dataFile} (${(m.dataBytes / 1e6).toFixed(1)} MB)`);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
