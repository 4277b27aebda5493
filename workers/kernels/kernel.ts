/**
 * Shared host plumbing for the WGSL kernels in this folder.
 *
 * - `defineKernel` names a kernel (WGSL text, entry point, workgroup `override` values).
 * - The `Params` uniform layout is parsed from the WGSL struct itself, so the host packs values
 *   by field name and never hand-sums byte offsets or copies constants between languages.
 * - `Batch` records many dispatches into one command encoder; each dispatch gets its own pooled
 *   uniform buffer (a shared one would be overwritten before submit), released on submit.
 */
import type { GpuContext } from '../gpu/context.ts';

export interface Kernel {
  /** Used in every GPU object label. */
  name: string;
  code: string;
  entryPoint: string;
  /** Values for the WGSL `override` workgroup-size constants. */
  workgroup: Record<string, number>;
  /** null when the entry point's shader has no `struct Params`. */
  params: ParamsLayout | null;
}

export function defineKernel(spec: { name: string; code: string; entryPoint?: string; workgroup: Record<string, number> }): Kernel {
  return { name: spec.name, code: spec.code, entryPoint: spec.entryPoint ?? 'main', workgroup: spec.workgroup, params: parseParams(spec.code) };
}

type Scalar = 'f32' | 'u32' | 'i32';
export interface ParamsField {
  name: string;
  offset: number;
  scalar: Scalar;
  /** Number of scalars the field holds (1 for scalars, 4 for vec4, 4·N for array<vec4f, N>). */
  length: number;
}
export interface ParamsLayout {
  fields: ParamsField[];
  /** Struct size rounded to 16 bytes (uniform buffers bind whole 16-byte rows). */
  size: number;
}

const scalarOf = (t: string): Scalar => {
  if (/^(f32|vec\df|vec\d<f32>)$/.test(t)) return 'f32';
  if (/^(u32|vec\du|vec\d<u32>)$/.test(t)) return 'u32';
  if (/^(i32|vec\di|vec\d<i32>)$/.test(t)) return 'i32';
  throw new Error(`Params: unsupported WGSL type ${t}`);
};

/** Size and alignment of a host-shareable WGSL type, per the WGSL uniform layout rules. */
function typeLayout(type: string): { size: number; align: number; scalar: Scalar; length: number } {
  const array = /^array<(.+),\s*(\d+)>$/.exec(type);
  if (array) {
    const inner = typeLayout(array[1].trim());
    // Uniform arrays need a 16-byte element stride; only vec4 elements satisfy that without padding.
    if (inner.size !== 16) throw new Error(`Params: arrays must hold 16-byte elements, got ${array[1]}`);
    const n = Number(array[2]);
    return { size: 16 * n, align: 16, scalar: inner.scalar, length: inner.length * n };
  }
  const vec = /^vec(\d)/.exec(type);
  const n = vec ? Number(vec[1]) : 1;
  const align = n === 1 ? 4 : n === 2 ? 8 : 16;
  return { size: 4 * n, align, scalar: scalarOf(type), length: n };
}

/** Reads `struct Params { name: type, … }` out of WGSL source (comments allowed). */
export function parseParams(code: string): ParamsLayout | null {
  const body = /struct\s+Params\s*\{([^}]*)\}/.exec(code.replace(/\/\/[^\n]*/g, ''));
  if (!body) return null;
  const fields: ParamsField[] = [];
  let offset = 0;
  for (const decl of body[1].split(/,\s*(?![^<]*>)/)) {
    const m = /^\s*(\w+)\s*:\s*(.+?)\s*$/.exec(decl);
    if (!m) continue;
    const t = typeLayout(m[2].replace(/\s+/g, ''));
    offset = Math.ceil(offset / t.align) * t.align;
    fields.push({ name: m[1], offset, scalar: t.scalar, length: t.length });
    offset += t.size;
  }
  return { fields, size: Math.ceil(offset / 16) * 16 };
}

export type ParamValues = Record<string, number | ArrayLike<number>>;

/** Packs values by field name; a missing or unknown field is an error, so typos cannot pass silently. */
export function packParams(layout: ParamsLayout, values: ParamValues): ArrayBuffer {
  const data = new ArrayBuffer(layout.size);
  const view = new DataView(data);
  const known = new Set(layout.fields.map((f) => f.name));
  for (const key of Object.keys(values)) if (!known.has(key)) throw new Error(`Params: unknown field ${key}`);
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new Error(`Params: missing field ${f.name}`);
    const list = typeof v === 'number' ? [v] : Array.from(v);
    if (list.length !== f.length) throw new Error(`Params: ${f.name} wants ${f.length} values, got ${list.length}`);
    // Only scalars, vec2/vec4 and arrays of 16-byte vectors are allowed, so components sit 4 bytes apart.
    list.forEach((x, i) => {
      const at = f.offset + 4 * i;
      if (f.scalar === 'f32') view.setFloat32(at, x, true);
      else if (f.scalar === 'u32') view.setUint32(at, x >>> 0, true);
      else view.setInt32(at, x | 0, true);
    });
  }
  return data;
}

/** Workgroup counts for `n` threads in 1-D: wraps into y past the 65 535 per-dimension limit. */
export function grid1d(n: number, wg: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / wg));
  if (groups <= 65535) return [groups, 1, 1];
  return [65535, Math.ceil(groups / 65535), 1];
}

/** Workgroup counts covering a width × height grid with wx × wy workgroups. */
export function grid2d(width: number, height: number, wx: number, wy: number): [number, number, number] {
  return [Math.max(1, Math.ceil(width / wx)), Math.max(1, Math.ceil(height / wy)), 1];
}

export type Binding = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

export interface DispatchSpec {
  params?: ParamValues;
  /** Storage bindings by binding number (binding 0 is the Params uniform). */
  bind: Record<number, Binding>;
  grid: [number, number, number];
}

export const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Dispatches recorded into one command encoder and submitted together. */
export class Batch {
  readonly encoder: GPUCommandEncoder;
  #temps: GPUBuffer[] = [];
  #submitted = false;

  constructor(
    readonly gpu: GpuContext,
    readonly label = 'kernels',
  ) {
    this.encoder = gpu.device.createCommandEncoder({ label });
  }

  dispatch(kernel: Kernel, spec: DispatchSpec): void {
    const { gpu } = this;
    const pipeline = gpu.pipeline({ code: kernel.code, entryPoint: kernel.entryPoint, constants: kernel.workgroup, label: `${kernel.name}.${kernel.entryPoint}` });
    const entries: GPUBindGroupEntry[] = [];
    if (kernel.params) {
      const data = packParams(kernel.params, spec.params ?? {});
      const uniform = this.temp(kernel.params.size, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, `${kernel.name} params`);
      gpu.device.queue.writeBuffer(uniform, 0, data);
      entries.push({ binding: 0, resource: { buffer: uniform, size: kernel.params.size } });
    }
    for (const [binding, b] of Object.entries(spec.bind)) {
      entries.push({ binding: Number(binding), resource: 'buffer' in b ? b : { buffer: b } });
    }
    const bindGroup = gpu.device.createBindGroup({ label: `${kernel.name} bindings`, layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.encoder.beginComputePass({ label: kernel.name });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...spec.grid);
    pass.end();
  }

  /** A pooled buffer that lives until this batch is submitted. */
  temp(byteLength: number, usage: GPUBufferUsageFlags = STORAGE(), label = `${this.label} temp`): GPUBuffer {
    const buffer = this.gpu.acquire(byteLength, usage, label);
    this.#temps.push(buffer);
    return buffer;
  }

  copy(source: GPUBuffer, target: GPUBuffer, byteLength: number, sourceOffset = 0, targetOffset = 0): void {
    this.encoder.copyBufferToBuffer(source, sourceOffset, target, targetOffset, Math.ceil(byteLength / 4) * 4);
  }

  /** Submits the work; pooled temporaries go back to the pool (queue order keeps reuse safe). */
  submit(): void {
    if (this.#submitted) throw new Error(`Batch ${this.label} was already submitted`);
    this.#submitted = true;
    this.gpu.device.queue.submit([this.encoder.finish({ label: this.label })]);
    for (const b of this.#temps) this.gpu.release(b);
    this.#temps = [];
  }
}

/** Records `body` into a fresh batch and submits it. */
export function run(gpu: GpuContext, label: string, body: (batch: Batch) => void): void {
  const batch = new Batch(gpu, label);
  body(batch);
  batch.submit();
}
