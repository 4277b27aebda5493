/** Errors of the model runtime, each with a message a user can read and a code the UI can branch on. */

export type RuntimeErrorCode =
  /** An fp16 model on a WebGPU device without `shader-f16`. */
  | 'shader-f16'
  /** WebGPU was required and is missing. */
  | 'no-webgpu'
  /** The model file's inputs or outputs differ from what the caller needs, or a feed does not fit. */
  | 'io-mismatch'
  /** The model could not be fetched. */
  | 'fetch-failed'
  /** ORT failed while running the model. */
  | 'run-failed'
  /** The session was disposed. */
  | 'disposed'
  /** The model does not fit the GPU memory budget. */
  | 'over-budget';

export class ModelRuntimeError extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelRuntimeError';
  }
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** ORT's messages when an f16 program meets a device without shader-f16 (native WebGPU build). */
export const F16_FAILURE = /requires f16|does not support (it|fp16|f16)|shader-f16/i;

export function shaderF16Error(model: string, gpu: string, what = 'its float16 weights and inputs'): ModelRuntimeError {
  return new ModelRuntimeError(
    'shader-f16',
    `${model} needs the WebGPU feature "shader-f16" for ${what}, and this GPU (${gpu}) does not have it, so it cannot run here. ` +
      'Use the model\'s fp32 / q4 / q8 variant (variantFor picks one), or a browser and GPU with shader-f16.',
  );
}
