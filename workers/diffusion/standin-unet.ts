/** Host for the stand-in UNet kernel (tests and benchmarks only). */
import type { GpuContext } from '../gpu/context.ts';
import { Batch, defineKernel, grid1d } from '../kernels/kernel.ts';
import code from './standin-unet.wgsl?raw';

const WG = 64;
const kernel = defineKernel({ name: 'standin-unet', code, workgroup: { WG } });

export interface StandinWeights {
  /** 9 rows × 4 outputs. */
  weights: number[];
  /** 4 values. */
  timeWeights: number[];
  /** 3 batch items × 4 outputs. */
  embed: number[];
}

/** Fixed, all-non-zero weights, so every input channel and t reach every output. */
export function standinWeights(): StandinWeights {
  const wave = (i: number, f: number) => Math.sin(1.7 * i * f + 0.3) * 0.6 + (i % 2 ? 0.15 : -0.15);
  return {
    weights: Array.from({ length: 36 }, (_, i) => wave(i, 1)),
    timeWeights: [0.8, -0.5, 0.3, -0.9],
    embed: Array.from({ length: 12 }, (_, i) => wave(i, 2.3) * 0.5),
  };
}

/** A UNet callback for runLoop: writes into one pooled output buffer it owns. */
export function standinUnet(gpu: GpuContext, width: number, height: number, channels: number, batch: number, w = standinWeights()) {
  const plane = width * height;
  const out = gpu.acquire(batch * 4 * plane * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST, 'standin unet output');
  const unet = (input: GPUBuffer, t: number): GPUBuffer => {
    const b = new Batch(gpu, 'standin unet');
    b.dispatch(kernel, {
      params: { width, plane, channels, batch, t, weights: w.weights, timeWeights: w.timeWeights, embed: w.embed },
      bind: { 1: input, 2: out },
      grid: grid1d(batch * plane, WG),
    });
    b.submit();
    return out;
  };
  return { unet, dispose: () => gpu.release(out) };
}
