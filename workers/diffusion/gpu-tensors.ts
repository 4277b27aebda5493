/**
 * GPU buffers ↔ the float type a session declares. Our kernels are f32; a file with float16 I/O
 * gets its inputs packed to f16 and its outputs unpacked to f32 by ops.wgsl, all on the GPU.
 */
import type { Batch } from '../kernels/kernel.ts';
import { ort } from '../runtime/ort.ts';
import type { FloatType } from './models.ts';
import { encodeFromHalf, encodeToHalf, halfBytes } from './ops.ts';
import type { BufferScope } from './scope.ts';

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** An ORT input over `buffer` (f32, `dims`), converted to float16 into a scope buffer when `type` says so. */
export function feedTensor(batch: Batch, scope: BufferScope, buffer: GPUBuffer, dims: number[], type: FloatType, label: string): ort.Tensor {
  if (type === 'float32') return ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims });
  const n = count(dims);
  const half = scope.acquire(halfBytes(n), `${label} f16`);
  encodeToHalf(batch, { src: buffer, out: half, count: n });
  return ort.Tensor.fromGpuBuffer(half, { dataType: 'float16', dims });
}

/** An ORT GPU output as an f32 buffer: its own buffer when float32, else unpacked into a scope buffer. */
export function f32Buffer(batch: Batch, scope: BufferScope, tensor: ort.Tensor, label: string): GPUBuffer {
  if (tensor.location !== 'gpu-buffer') throw new Error(`${label}: the output is on the ${tensor.location}, not the GPU`);
  if (tensor.type === 'float32') return tensor.gpuBuffer;
  if (tensor.type !== 'float16') throw new Error(`${label}: a ${tensor.type} output, expected float32 or float16`);
  const n = count(tensor.dims);
  const out = scope.acquire(4 * n, `${label} f32`);
  encodeFromHalf(batch, { src: tensor.gpuBuffer, out, count: n });
  return out;
}
