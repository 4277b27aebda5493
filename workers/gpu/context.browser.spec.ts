import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from './context.ts';

const doubleWgsl = /* wgsl */ `
override WG: u32 = 64;
@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(WG) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0; }
}`;

describe('GpuContext in real WebGPU', () => {
  let gpu: GpuContext;
  beforeAll(async () => {
    gpu = await GpuContext.create();
  });
  afterAll(() => gpu.destroy());

  it('runs a kernel with an override workgroup size on a size that is not a multiple of it', async () => {
    const n = 1001;
    const input = Float32Array.from({ length: n }, (_, i) => i - 500.5);
    const buffer = gpu.upload(input);
    await gpu.checked(() => {
      const pipeline = gpu.pipeline({ code: doubleWgsl, constants: { WG: 128 } });
      expect(gpu.pipeline({ code: doubleWgsl, constants: { WG: 128 } })).toBe(pipeline);
      const bind = gpu.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] });
      const enc = gpu.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(Math.ceil(n / 128));
      pass.end();
      gpu.device.queue.submit([enc.finish()]);
    });
    const out = new Float32Array(await gpu.read(buffer, n * 4));
    expect(Array.from(out)).toEqual(Array.from(input, (v) => v * 2));
    expect(gpu.readbacks).toBe(1);
    gpu.release(buffer);
    expect(gpu.acquire(n * 4, buffer.usage)).toBe(buffer);
  });

  it('reports validation errors instead of passing silently', async () => {
    await expect(gpu.checked(() => gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }))).rejects.toThrow(/validation/i);
  });
});
