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

  it('refuses a double release and a buffer it never handed out, so one buffer never has two owners', () => {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const before = gpu.outstanding;
    const a = gpu.acquire(4096, usage, 'first owner');
    expect(gpu.outstanding).toBe(before + 1);
    gpu.release(a);
    expect(gpu.outstanding).toBe(before);
    expect(() => gpu.release(a)).toThrow(/already back in the pool \(released twice\)/);

    // Had the second release been pooled, these two owners would have got the same buffer.
    const b = gpu.acquire(4096, usage, 'second owner');
    const c = gpu.acquire(4096, usage, 'third owner');
    expect(b).toBe(a);
    expect(c).not.toBe(b);
    expect(b.label).toBe('second owner'); // validation messages name the current owner

    const foreign = gpu.device.createBuffer({ size: 4096, usage, label: 'made elsewhere' });
    expect(() => gpu.release(foreign)).toThrow(/"made elsewhere" was not acquired from this context's pool/);
    const d = gpu.acquire(4096, usage);
    expect(d).not.toBe(foreign); // and it was not pooled
    foreign.destroy();
    for (const buffer of [b, c, d]) gpu.release(buffer);
    expect(gpu.outstanding).toBe(before);
  });

  it('reports validation errors instead of passing silently', async () => {
    await expect(gpu.checked(() => gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE }))).rejects.toThrow(/validation/i);
  });
});
