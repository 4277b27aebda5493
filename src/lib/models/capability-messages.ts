// What the capability banner says about this device: no WebGPU, no shader-f16 (and which models that
// leaves without a runnable export), a fallback (CPU) adapter. Pure: the banner only renders these.
import { MANIFEST, variantFor, type Dtype, type Role } from '../../../models/manifest.ts';
import type { Capabilities } from '../../../workers/runtime/capabilities.ts';
import { DEFAULT_ROLES } from './catalog.ts';
import { ROLE_NAMES } from './presentation.ts';

export interface CapabilityMessage {
  level: 'error' | 'warn' | 'info';
  text: string;
}

/** The project's own exports (a variant in another repository, or a project-owned role) are not on the Hub yet. */
const unpublished = (role: Role, dtype: Dtype): boolean => MANIFEST[role].owner !== 'public' || !!MANIFEST[role].variants[dtype]?.id;

/**
 * Roles whose 16-bit variant is published but whose 32-bit one (what a GPU without shader-f16 loads)
 * is not: on such a GPU they cannot run yet (none today: SD inpainting builds from the official fp32 files).
 */
export function rolesAwaitingExport(roles: readonly Role[] = DEFAULT_ROLES): Role[] {
  return roles.filter((role) => {
    const f16 = variantFor(role, { shaderF16: true });
    const plain = variantFor(role, { shaderF16: false });
    return f16 !== plain && !unpublished(role, f16) && unpublished(role, plain);
  });
}

/** The banner's lines for these capabilities; empty while unknown (null) or when everything is fine. */
export function capabilityMessages(caps: Capabilities | null, roles: readonly Role[] = DEFAULT_ROLES): CapabilityMessage[] {
  if (!caps) return [];
  if (!caps.webgpu) {
    return [
      {
        level: 'error',
        text:
          `This browser can't run the AI models: ${caps.reason ?? 'WebGPU is not available'}. ` +
          'Opening, rotating, cropping, adjusting, undo and export still work here. ' +
          'AI edits need WebGPU — a recent Chrome, Edge or Safari 26 on a device with a GPU.',
      },
    ];
  }
  const messages: CapabilityMessage[] = [];
  if (caps.adapter?.isFallbackAdapter) {
    messages.push({ level: 'warn', text: 'No hardware GPU found: models run on the CPU and an edit takes minutes.' });
  }
  if (!caps.shaderF16) {
    messages.push({
      level: 'info',
      text: 'This GPU has no 16-bit shader support (shader-f16): the models run in 32-bit, which needs about twice the memory and download.',
    });
    for (const role of rolesAwaitingExport(roles)) {
      messages.push({ level: 'warn', text: `${ROLE_NAMES[role]} can't run on this GPU until its 32-bit export is published.` });
    }
  }
  return messages;
}
