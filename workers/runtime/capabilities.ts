/**
 * What this device can run, probed once: WebGPU present, the adapter, `shader-f16`, buffer limits.
 * The dtype of every model is picked from it through the manifest's `variantFor`, so a device
 * without `shader-f16` never gets an fp16 file (ORT's JSEP build would return zeros for it).
 */
import { type Dtype, MANIFEST, type Role, variantFor } from '../../models/manifest.ts';
import { shaderF16Error } from './errors.ts';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface Capabilities {
  webgpu: boolean;
  /** Why WebGPU is unusable, when it is. */
  reason: string | null;
  adapter: AdapterSummary | null;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

const NONE = (reason: string): Capabilities => ({
  webgpu: false,
  reason,
  adapter: null,
  shaderF16: false,
  maxBufferSize: 0,
  maxStorageBufferBindingSize: 0,
});

/** Probes now, without the cache (tests pass a stand-in `gpu`, or null for a browser without WebGPU). */
export async function probe(gpu: GPU | null = globalThis.navigator?.gpu ?? null): Promise<Capabilities> {
  if (!gpu) return NONE('this browser has no WebGPU (navigator.gpu is missing)');
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return NONE(`requesting a WebGPU adapter failed: ${(e as Error)?.message ?? e}`);
  }
  if (!adapter) return NONE('no WebGPU adapter is available (blocklisted or disabled GPU)');
  const info = adapter.info;
  return {
    webgpu: true,
    reason: null,
    adapter: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      isFallbackAdapter: info?.isFallbackAdapter ?? false,
    },
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

let cached: Promise<Capabilities> | null = null;

/** The capabilities of this device, probed on first use and cached for the life of the page or worker. */
export function probeCapabilities(): Promise<Capabilities> {
  cached ??= probe();
  return cached;
}

/** "google / swiftshader (fallback adapter)": how the UI names the GPU. */
export function describeGpu(caps: Capabilities): string {
  const a = caps.adapter;
  if (!a) return 'no WebGPU adapter';
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ') || 'unknown GPU';
  return a.isFallbackAdapter ? `${name} (fallback adapter)` : name;
}

/** fp16 and q4f16 files compute in float16 on the GPU. */
export const dtypeNeedsF16 = (dtype: Dtype): boolean => dtype === 'fp16' || dtype === 'q4f16';

/** Whether a role's variant needs shader-f16 on WebGPU (f16 weights or float16 I/O). */
export function variantNeedsF16(role: Role, dtype: Dtype): boolean {
  return dtypeNeedsF16(dtype) || MANIFEST[role].variants[dtype]?.ioFloat === 'float16';
}

/** Throws a clear error when `dtype` of `role` cannot run on this device's WebGPU. */
export function assertRunnable(role: Role, dtype: Dtype, caps: Capabilities): void {
  if (caps.webgpu && !caps.shaderF16 && variantNeedsF16(role, dtype)) {
    throw shaderF16Error(`${role} ${dtype} (${MANIFEST[role].variants[dtype]?.id ?? MANIFEST[role].id})`, describeGpu(caps));
  }
}

/** The dtype to load for a role on this device (the manifest's `variantFor`), checked runnable. */
export function pickVariant(role: Role, caps: Capabilities): Dtype {
  const dtype = variantFor(role, caps);
  assertRunnable(role, dtype, caps);
  return dtype;
}
