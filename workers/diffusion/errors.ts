/** Why an edit failed, with a code the UI can branch on and a sentence it can show. */
export type DiffusionErrorCode =
  /** The request itself is wrong (sizes, an empty mask, a bad setting). */
  | 'bad-request'
  /** A model file is missing or unreadable. */
  | 'model-files'
  /** The model needs something this device lacks (shader-f16, WebGPU). */
  | 'unsupported'
  /** The GPU device was lost; the worker starts a fresh one for the next edit. */
  | 'device-lost'
  /** The GPU ran out of memory. */
  | 'out-of-memory'
  /** Cancelled by the caller. */
  | 'cancelled'
  /** Anything else from the GPU or a model run. */
  | 'failed';

export class DiffusionError extends Error {
  constructor(
    readonly code: DiffusionErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code === 'cancelled' ? 'AbortError' : 'DiffusionError';
  }
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** ORT / WebGPU wordings of running out of memory. */
export const OOM = /out of memory|\bOOM\b|failed to allocate|allocation failed|not enough memory/i;
