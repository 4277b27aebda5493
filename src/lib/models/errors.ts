import { formatBytes } from '../ui/format.ts';

export type ContentProblem = 'html' | 'lfs-pointer' | 'not-onnx' | 'not-json' | 'not-safetensors' | 'not-wasm' | 'size' | 'hash';

const PROBLEM_TEXT: Readonly<Record<ContentProblem, string>> = Object.freeze({
  html: 'the server sent a web page (an error page or a login page) instead of the file',
  'lfs-pointer': 'the server sent a Git LFS pointer instead of the file',
  'not-onnx': 'it is not an ONNX model',
  'not-json': 'it is not valid JSON',
  'not-safetensors': 'it is not a safetensors file',
  'not-wasm': 'it is not a WebAssembly module',
  size: 'its size is wrong',
  hash: 'it was damaged in transit (SHA-256 mismatch)',
});

/** The bytes received are not the file asked for; nothing of it was kept. */
export class ModelContentError extends Error {
  override readonly name = 'ModelContentError';
  constructor(
    readonly path: string,
    readonly problem: ContentProblem,
    detail?: string,
  ) {
    super(
      problem === 'hash'
        ? `"${path}" was damaged in transit (SHA-256 mismatch): download it again.${detail ? ` (${detail})` : ''} Nothing of it was kept.`
        : `"${path}" was refused: ${PROBLEM_TEXT[problem]}${detail ? ` (${detail})` : ''}. Nothing of it was saved.`,
    );
  }
}

/** A download that cannot go on: an HTTP error that retrying will not fix, or too many failed attempts. */
export class ModelDownloadError extends Error {
  override readonly name = 'ModelDownloadError';
  constructor(
    message: string,
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The browser refused to store more bytes. Nothing is marked complete; bytes already committed stay for a resume. */
export class ModelStorageFullError extends Error {
  override readonly name = 'ModelStorageFullError';
  constructor(
    readonly needed: number | null = null,
    readonly available: number | null = null,
    options?: { cause?: unknown },
  ) {
    const sizes =
      needed !== null && available !== null
        ? ` It needs about ${formatBytes(needed)} more and ${formatBytes(available)} is free.`
        : needed !== null
          ? ` It needs about ${formatBytes(needed)} more.`
          : '';
    super(
      `Not enough storage space to download this model.${sizes} Delete models or old projects you no longer need, ` +
        'or free space on this device, then try again.',
      options,
    );
  }
}

/** True for the browser's quota errors (a DOMException, or the newer QuotaExceededError class). */
export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

/** True for the rejection an aborted fetch, read or sleep gives. */
export function isAbortError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}
