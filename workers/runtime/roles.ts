/**
 * Manifest-aware sessions for the roles the app runs as raw ORT sessions (SD inpainting, the region
 * head): picks the dtype for this device, refuses f16 variants it cannot run, checks the names the
 * manifest declares, applies the per-session ORT workarounds, and loads through the residency
 * manager under the manifest's memory estimate. transformers.js roles load through transformers.js.
 */
import { estimate } from '../../models/gpu-memory.ts';
import { type Dtype, MANIFEST, type Role, filesFor, ioNames } from '../../models/manifest.ts';
import { type Capabilities, assertRunnable, pickVariant, probeCapabilities, variantNeedsF16 } from './capabilities.ts';
import type { Residency } from './residency.ts';
import { ModelSession, type ModelSessionOptions } from './session.ts';

/** Sessions that need a non-default ORT WebGPU layout (models/ort-webgpu-conv.browser.spec.ts). */
const LAYOUT: Readonly<Record<string, 'NCHW'>> = { 'sd-inpaint/unet': 'NCHW' };

export interface RoleSessionOptions {
  /** Default: what variantFor picks for this device. */
  dtype?: Dtype;
  caps?: Capabilities;
  /** Where model folders live (`<baseUrl><repository id>/<path>`); default '/models/'. */
  baseUrl?: string;
  /** Reads a file instead of fetching it from baseUrl (e.g. from the model store). */
  load?: (id: string, path: string) => Promise<Uint8Array>;
  /** Load under this manager's budget (key `<role>/<session>`, bytes from models/gpu-memory.ts). */
  residency?: Residency;
  /** Names to require instead of the manifest's (an export may differ, e.g. latent_parameters). */
  expect?: ModelSessionOptions['expect'];
  ep?: ModelSessionOptions['ep'];
}

export async function openRoleSession(role: Role, session: string, options: RoleSessionOptions = {}): Promise<ModelSession> {
  const spec = MANIFEST[role];
  if (spec.loader.kind === 'transformers') throw new Error(`${role} is loaded through transformers.js (${spec.loader.className}), not as a raw ORT session`);
  if (spec.loader.kind === 'build') throw new Error(`${role}'s graphs are built from its official files as they load (workers/diffusion/models.ts), not opened from a stored graph`);
  const sessionSpec = spec.sessions[session];
  if (!sessionSpec) throw new Error(`${role} has no session ${session} (it has ${Object.keys(spec.sessions).join(', ')})`);
  const caps = options.caps ?? (await probeCapabilities());
  const dtype = options.dtype ?? pickVariant(role, caps);
  if (options.ep !== 'wasm') assertRunnable(role, dtype, caps);
  const { id, variant } = filesFor(role, dtype);
  const path = variant.files[session].path;
  const key = `${role}/${session}`;
  const create = async () => {
    const source = options.load ? await options.load(id, path) : `${options.baseUrl ?? '/models/'}${id}/${path}`;
    return ModelSession.create(source, {
      name: `${key} ${dtype}`,
      ep: options.ep,
      caps,
      needsF16: variantNeedsF16(role, dtype),
      expect: options.expect ?? ioNames(sessionSpec),
      preferredLayout: LAYOUT[key],
    });
  };
  return options.residency ? options.residency.acquire(key, estimate(role, dtype, session).gpuBytes, create) : create();
}
