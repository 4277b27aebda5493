import type { Size } from './limits.ts';

export const IMAGE_INPUT_ERROR_CODES = Object.freeze([
  'empty', // zero bytes
  'read-failed', // the browser could not read the file (moved, deleted, permission)
  'file-too-big', // more bytes than any image within the caps needs
  'not-an-image', // text or unknown bytes
  'svg-refused', // SVG can carry script
  'unsupported-format', // a real image format the editor does not open (TIFF)
  'truncated', // end marker missing
  'corrupt', // header fails its own checks
  'too-large', // over the pixel caps; `dimensions` says how large
  'heic-unsupported', // HEIC the browser cannot decode
  'decode-failed', // the browser refused to decode it
] as const);
export type ImageInputErrorCode = (typeof IMAGE_INPUT_ERROR_CODES)[number];

/**
 * A file that cannot become the working image. `message` is written for the person who chose the file:
 * what is wrong and what to do. Thrown before any state is touched, so the current work stays intact.
 */
export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';

  constructor(
    readonly code: ImageInputErrorCode,
    message: string,
    readonly fileName: string,
    /** For 'too-large': the image's size as displayed, so the UI can offer to open it downscaled. */
    readonly dimensions?: Size,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isImageInputError(e: unknown): e is ImageInputError {
  return e instanceof ImageInputError;
}
