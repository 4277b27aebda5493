// A model that could not be loaded from its stored files, named by role so the page can mark that
// model damaged (Models dialog: "Download again"). Errors cross comlink as message and name only, so
// the role travels in the message, in a fixed wording that `failedRole` reads back.
import { MANIFEST, type Role } from '../../models/manifest.ts';
import { DiffusionError } from '../diffusion/errors.ts';
import { F16_FAILURE } from './errors.ts';

export const LOAD_FAILURE = 'ModelLoadFailure';
const WORDING = /^The ([a-z0-9-]+) model could not be loaded from its files/;
/** Causes that new files would not cure: the device, not the bytes. */
const NOT_THE_FILES = new RegExp(`${F16_FAILURE.source}|out of memory|failed to allocate|no webgpu|WebGPU is not`, 'i');

/** Wraps a load failure of `role`'s files (model, tokenizer or processor). */
export function loadFailure(role: Role, cause: unknown): Error {
  const message = cause instanceof Error ? cause.message : String(cause);
  if (NOT_THE_FILES.test(message) || WORDING.test(message)) return cause instanceof Error ? cause : new Error(message);
  const error = new Error(`The ${role} model could not be loaded from its files (${message}).`, { cause });
  error.name = LOAD_FAILURE;
  return error;
}

/** Runs a load and names the role in its failure. */
export async function loadingFiles<T>(role: Role, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    throw loadFailure(role, e);
  }
}

/** The role whose files failed to load, for a failure that says so; null for any other error. */
export function failedRole(e: unknown): Role | null {
  if (e instanceof DiffusionError) return e.code === 'model-files' ? 'sd-inpaint' : null;
  const role = e instanceof Error ? WORDING.exec(e.message)?.[1] : undefined;
  return role && role in MANIFEST ? (role as Role) : null;
}
