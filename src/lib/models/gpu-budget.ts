// The GPU memory budget the editor's plan (src/lib/editor/gpu-plan.ts) keeps the models within, and
// each stage's estimated cost. WebGPU reports no memory size, so the default is a guess from the
// capability probe (adapter vendor, fallback adapter, maxBufferSize) and the browser's
// navigator.deviceMemory; the person can set it in Models (kept in localStorage).
import { STAGE_ROLES, type Stage, WORKSPACE_FACTOR, stageEstimate } from '../../../models/gpu-memory.ts';
import { type Caps, MANIFEST } from '../../../models/manifest.ts';
import type { Capabilities } from '../../../workers/runtime/capabilities.ts';
import type { ModelEntry } from './catalog.ts';
import { ROLE_NAMES } from './presentation.ts';

export const GIB = 2 ** 30;

/** A stage's estimated GPU bytes and what the person is told it loads. */
export interface StageCost {
  bytes: number;
  /** "Stable Diffusion 1.5 inpainting (fp32)" */
  models: string;
  /** What the person can do when the stage cannot fit (default: raise the setting). */
  advice?: string;
}

export type StageCosts = Partial<Record<Stage, StageCost>>;

/** A discrete GPU with 8 GiB: 6 GiB for models leaves 2 GiB for the browser, the compositor and our buffers. */
export const DISCRETE_BUDGET = 6 * GIB;
/** Vendors whose WebGPU adapters share the system's memory (integrated and mobile GPUs). */
const SHARED_MEMORY_VENDORS = ['intel', 'apple', 'arm', 'qualcomm', 'imagination', 'mali', 'adreno'];

export interface BudgetGuess {
  bytes: number;
  /** How it was guessed, for the Models dialog. */
  why: string;
}

/**
 * The default budget. Rules, in order:
 * - a discrete-looking GPU (any other vendor, not a fallback adapter): 6 GiB, for an 8 GiB card;
 * - a GPU that shares system memory (vendor above), or a fallback (CPU) adapter: half of
 *   navigator.deviceMemory (rounded by the browser, and capped by some; 8 when unknown), at most 6 GiB;
 * - never less than the adapter's maxBufferSize (capped at 6 GiB): an adapter that allows one
 *   buffer that large has at least that much memory for it.
 */
export function defaultBudget(caps: Pick<Capabilities, 'adapter' | 'maxBufferSize'>, deviceMemory?: number): BudgetGuess {
  const a = caps.adapter;
  const vendor = `${a?.vendor ?? ''} ${a?.architecture ?? ''} ${a?.description ?? ''}`.toLowerCase();
  const shared = !a || a.isFallbackAdapter || SHARED_MEMORY_VENDORS.some((v) => vendor.includes(v));
  let bytes = DISCRETE_BUDGET;
  let why = 'a discrete GPU is assumed to have 8 GiB';
  if (shared) {
    const ram = deviceMemory && deviceMemory > 0 ? deviceMemory : 8;
    bytes = Math.min(DISCRETE_BUDGET, (ram / 2) * GIB);
    why = `${a?.isFallbackAdapter ? 'the models run on the CPU' : 'this GPU shares system memory'}: half of the ${ram} GiB the browser reports${deviceMemory ? '' : ' (assumed)'}`;
  }
  const floor = Math.min(DISCRETE_BUDGET, caps.maxBufferSize || 0);
  if (floor > bytes) {
    bytes = floor;
    why = `the adapter allows one buffer of ${(floor / GIB).toFixed(1)} GiB`;
  }
  return { bytes, why };
}

/** Estimates of each stage of an edit with the real model set this device loads (models/gpu-memory.ts). */
export function stageCosts(caps: Caps): StageCosts {
  const costs: StageCosts = {};
  for (const stage of Object.keys(STAGE_ROLES) as Stage[]) {
    const s = stageEstimate(stage, caps);
    const needsF32 = !caps.shaderF16 && s.models.some((m) => m.dtype === 'fp32' && MANIFEST[m.role].variants.fp16);
    costs[stage] = {
      bytes: s.gpuBytes,
      models: s.models.map((m) => `${ROLE_NAMES[m.role]} (${m.dtype})`).join(', '),
      advice: needsF32
        ? 'If your GPU has more memory, raise “GPU memory for models” in Models; a GPU with 16-bit support (shader-f16) runs the fp16 files, which need about half.'
        : undefined,
    };
  }
  return costs;
}

/**
 * The same stages measured on the downloaded files (the test models, whose sizes the server told):
 * the files of every repository serving a stage's roles, times WORKSPACE_FACTOR.
 */
export function stageCostsFromFiles(entries: readonly ModelEntry[]): StageCosts {
  const costs: StageCosts = {};
  for (const stage of Object.keys(STAGE_ROLES) as Stage[]) {
    const serving = entries.filter((e) => e.roles.some((r) => STAGE_ROLES[stage].includes(r)));
    if (!serving.length) continue;
    const bytes = serving.reduce((n, e) => n + e.files.reduce((m, f) => m + (f.size ?? f.approxBytes ?? 0), 0), 0);
    costs[stage] = { bytes: Math.ceil(bytes * WORKSPACE_FACTOR), models: serving.map((e) => e.label).join(', ') };
  }
  return costs;
}

export const BUDGET_KEY = 'instruct-edit.gpu-budget';
/** The setting's range: below 0.5 GiB no stage fits; above 256 GiB is a typing slip. */
export const BUDGET_RANGE = { min: 0.5, max: 256 } as const;

const localStore = (): Storage | null => {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // localStorage can throw where storage is blocked
  }
};

/** The person's budget in bytes, or null for the default. */
export function loadBudgetSetting(storage: Pick<Storage, 'getItem'> | null = localStore()): number | null {
  try {
    const n = Number(storage?.getItem(BUDGET_KEY) || NaN);
    return Number.isFinite(n) && n >= BUDGET_RANGE.min * GIB && n <= BUDGET_RANGE.max * GIB ? n : null;
  } catch {
    return null;
  }
}

/** Keeps the setting (null: back to the default); false when the browser would not store it. */
export function saveBudgetSetting(bytes: number | null, storage: Pick<Storage, 'setItem'> | null = localStore()): boolean {
  try {
    if (!storage) return false;
    storage.setItem(BUDGET_KEY, bytes === null ? '' : String(bytes)); // '' reads back as the default
    return true;
  } catch {
    return false;
  }
}

/** Reads the field: GiB as typed ('' = the default). Returns bytes, null, or a message for the person. */
export function parseBudget(text: string): { bytes: number | null } | { error: string } {
  const t = text.trim().replace(',', '.');
  if (!t) return { bytes: null };
  const n = Number(t);
  if (!Number.isFinite(n) || n < BUDGET_RANGE.min || n > BUDGET_RANGE.max) {
    return { error: `Enter the GPU memory in GiB, from ${BUDGET_RANGE.min} to ${BUDGET_RANGE.max} (or leave it empty for the automatic value).` };
  }
  return { bytes: Math.round(n * GIB) };
}
