/**
 * The worker's one GPUDevice: ORT's own, adopted into a GpuContext for our WGSL kernels.
 *
 * Facts of onnxruntime-web 1.31.0-dev's native WebGPU build (README.md in this folder):
 * - It creates its own device when its first WebGPU session is created (sessions given no device,
 *   transformers.js's included, all run on it) and destroys it when its last session is released.
 * So the runtime holds a one-node "keep-alive" session for as long as it runs: the device outlives
 * every model session, and our kernels' buffers with it.
 */
import { GpuContext } from '../gpu/context.ts';
import { ort } from './ort.ts';
import { identityModel } from './tiny-model.ts';

let shared: Promise<GpuContext> | null = null;
let keepAlive: ort.InferenceSession | null = null;

/** ORT's device, once its WebGPU backend has one (undefined before). */
export async function ortDevice(): Promise<GPUDevice | undefined> {
  // The native build's env.webgpu is a plain object; ORT sets `device` when a session creates one.
  return (await (ort.env.webgpu as { device?: GPUDevice | Promise<GPUDevice> }).device) ?? undefined;
}

/**
 * The GpuContext over ORT's device (started on first call, shared after). Kernels built on it bind
 * ORT's output buffers directly, and their buffers feed ORT through `Tensor.fromGpuBuffer`.
 */
export function runtimeGpu(): Promise<GpuContext> {
  shared ??= (async () => {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['webgpu'] });
    const device = await ortDevice();
    if (!device) {
      await session.release();
      throw new Error('onnxruntime-web started its WebGPU backend but exposes no device (env.webgpu.device)');
    }
    keepAlive = session;
    const gpu = await GpuContext.create({ device, label: 'onnxruntime' });
    // A lost device cannot be reused; the next caller starts again.
    void gpu.lost.then(() => {
      shared = null;
      keepAlive = null;
    });
    return gpu;
  })();
  const pending = shared;
  pending.catch(() => {
    if (shared === pending) shared = null;
  });
  return pending;
}

/**
 * Lets ORT's device go: releases the keep-alive session, so the device is destroyed with the last
 * model session. For worker shutdown and tests; the next runtimeGpu() starts afresh.
 */
export async function stopRuntimeGpu(): Promise<void> {
  const pending = shared;
  shared = null;
  if (!pending) return;
  const gpu = await pending.catch(() => null);
  const session = keepAlive;
  keepAlive = null;
  await session?.release();
  gpu?.destroy(); // adopted: frees our pooled buffers, leaves the device to ORT
}
