// Which repositories and files the app needs, from models/manifest.ts: one entry per repository and
// revision (CLIP's vision and text towers share one), config files first, then the ONNX files of the
// dtype this device loads.
import { filesFor, MANIFEST, variantFor, type Caps, type Role } from '../../../models/manifest.ts';
import { pinOf } from '../../../models/pins.ts';
import type { ModelFile, ModelRef } from './types.ts';

export interface ModelEntry {
  /** `<id>@<revision>` */
  key: string;
  /** The roles this repository serves, for the UI ("clip-vision, clip-text"). */
  label: string;
  roles: Role[];
  ref: ModelRef;
  files: ModelFile[];
  /** False for the project's own artifacts that are not on the Hub yet. */
  published: boolean;
}

/** The roles a full install downloads ('vlm-small' is the fallback, 'region-head' has no trained weights yet). */
export const DEFAULT_ROLES: readonly Role[] = Object.freeze(['vlm', 'clip-vision', 'clip-text', 't5-encoder', 'clipseg', 'sd-inpaint']);

export const entryKey = (ref: ModelRef) => `${ref.id}@${ref.revision}`;

/** Exact size and SHA-256 of a file where they are known; the real models' come from models/pins.ts. */
export type PinLookup = (ref: ModelRef, path: string) => { size?: number; sha256?: string } | undefined;

export const manifestPins: PinLookup = (ref, path) => pinOf(ref.id, ref.revision, path);

/** A file with neither an exact size nor a hash: only its format can be checked. */
export const isUnpinned = (file: ModelFile): boolean => file.sha256 === undefined && file.size === undefined;

export function modelEntries(roles: readonly Role[] = DEFAULT_ROLES, caps: Caps | readonly Caps[] = { shaderF16: false }, pins: PinLookup = manifestPins): ModelEntry[] {
  const byKey = new Map<string, ModelEntry>();
  for (const c of Array.isArray(caps) ? caps : [caps]) {
    for (const role of roles) {
      const spec = MANIFEST[role];
      const { id, revision, variant } = filesFor(role, variantFor(role, c));
      const ref = { id, revision };
      const key = entryKey(ref);
      const entry = byKey.get(key) ?? { key, label: '', roles: [], ref, files: [], published: spec.owner === 'public' && !variant.id };
      byKey.set(key, entry);
      if (!entry.roles.includes(role)) entry.roles.push(role);
      const add = (file: ModelFile) => {
        if (entry.files.some((f) => f.path === file.path)) return;
        const pin = pins(ref, file.path);
        entry.files.push({ ...file, ...(pin?.size !== undefined && { size: pin.size }), ...(pin?.sha256 && { sha256: pin.sha256.toLowerCase() }) });
      };
      for (const path of spec.configFiles) add({ path });
      for (const f of Object.values(variant.files)) add({ path: f.path, approxBytes: f.bytes });
    }
  }
  for (const entry of byKey.values()) entry.label = entry.roles.join(', ');
  return [...byKey.values()];
}
