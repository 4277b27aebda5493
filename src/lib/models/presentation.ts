// What the models dialog says: model names, sizes, durations, and what this device can run.
import { MANIFEST, variantFor, type Role } from '../../../models/manifest.ts';
import { variantNeedsF16 } from '../../../workers/runtime/capabilities.ts';
import { formatBytes } from '../ui/format.ts';
import type { ModelEntry } from './catalog.ts';
import type { ProfileKind } from './profile.ts';

export const ROLE_NAMES: Readonly<Record<Role, string>> = Object.freeze({
  vlm: 'Instruction model (Qwen2-VL 2B)',
  'vlm-small': 'Small instruction model (SmolVLM 256M)',
  'clip-vision': 'CLIP image encoder',
  'clip-text': 'CLIP text encoder',
  't5-encoder': 'FLAN-T5 text encoder',
  clipseg: 'CLIPSeg region finder',
  'sd-inpaint': 'Stable Diffusion 1.5 inpainting',
  'region-head': 'Region head',
});

export const entryName = (entry: ModelEntry): string => entry.roles.map((r) => ROLE_NAMES[r]).join(' + ');

/** A model's download size from its file sizes; `unknown` counts files whose size nobody has given. */
export function entrySize(entry: ModelEntry): { bytes: number; unknown: number } {
  let bytes = 0;
  let unknown = 0;
  for (const f of entry.files) {
    const n = f.size ?? f.approxBytes;
    if (typeof n === 'number') bytes += n;
    else unknown++;
  }
  return { bytes, unknown };
}

/** "1.2 GB", "at least 1.2 GB" when some file sizes are unknown, "size not listed" when none is known. */
export function sizeText(size: { bytes: number; unknown: number }): string {
  if (size.unknown > 0 && size.bytes === 0) return 'size not listed';
  return size.unknown > 0 ? `at least ${formatBytes(size.bytes)}` : formatBytes(size.bytes);
}

export function sumSizes(sizes: readonly { bytes: number; unknown: number }[]): { bytes: number; unknown: number } {
  return sizes.reduce((a, s) => ({ bytes: a.bytes + s.bytes, unknown: a.unknown + s.unknown }), { bytes: 0, unknown: 0 });
}

/** "45 s", "3 min 20 s", "1 h 05 min"; "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

export const formatRate = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`;

export interface DeviceSupport {
  webgpu: boolean;
  shaderF16: boolean;
  /** Why WebGPU is unusable, when it is. */
  reason: string | null;
  /** How the UI names the GPU. */
  gpu: string;
}

export interface CapabilityNote {
  level: 'ok' | 'warn' | 'error';
  text: string;
}

const repoOf = (role: Role, dtype: ReturnType<typeof variantFor>) => MANIFEST[role].variants[dtype]?.id ?? MANIFEST[role].id;
const unpublished = (role: Role, dtype: ReturnType<typeof variantFor>) => MANIFEST[role].owner !== 'public' || !!MANIFEST[role].variants[dtype]?.id;

/** What this device can run with these roles, and what it uses instead where shader-f16 is missing. */
export function capabilityNotes(support: DeviceSupport, roles: readonly Role[], profile: ProfileKind): CapabilityNote[] {
  if (!support.webgpu) {
    return [
      {
        level: 'error',
        text:
          `No WebGPU here (${support.reason ?? 'not available'}). Opening, rotating, flipping, cropping, undo and export still work; ` +
          'AI edits cannot run in this browser. Models can still be downloaded for later.',
      },
    ];
  }
  const fixturesNote: CapabilityNote[] = profile === 'fixtures' ? [{ level: 'ok', text: 'Test models always use the variants for devices without shader-f16.' }] : [];
  if (support.shaderF16) return [{ level: 'ok', text: `WebGPU with shader-f16 on ${support.gpu}: every model can run.` }, ...fixturesNote];
  const notes: CapabilityNote[] = [];
  const instead: string[] = [];
  const cannot: string[] = [];
  const hubMissing: string[] = [];
  for (const role of roles) {
    const f16 = variantFor(role, { shaderF16: true });
    const plain = variantFor(role, { shaderF16: false });
    if (f16 === plain) continue;
    const otherRepo = repoOf(role, f16) !== repoOf(role, plain);
    instead.push(otherRepo ? `${ROLE_NAMES[role]}: ${repoOf(role, plain)} (${plain}) instead of ${repoOf(role, f16)} (${f16})` : `${ROLE_NAMES[role]}: ${plain} instead of ${f16}`);
    if (otherRepo && variantNeedsF16(role, f16)) cannot.push(`${repoOf(role, f16)} (${f16} only)`);
    if (profile === 'hub' && unpublished(role, plain)) hubMissing.push(`${repoOf(role, plain)}`);
  }
  notes.push({ level: 'warn', text: `No shader-f16 on ${support.gpu}: models that compute in float16 cannot run here.` });
  if (instead.length) notes.push({ level: 'warn', text: `Used instead: ${instead.join('; ')}.` });
  if (cannot.length) notes.push({ level: 'warn', text: `Cannot run on this device: ${cannot.join(', ')}.` });
  if (hubMissing.length) {
    notes.push({ level: 'error', text: `Not on the Hub yet (built by this project): ${hubMissing.join(', ')} — choose self-hosted models to use it.` });
  }
  return [...notes, ...fixturesNote];
}
