/** Shapes shared by the format sniffers (kept apart so sniff.ts and the sniffers don't import each other). */

export const IMAGE_FORMATS = Object.freeze(['jpeg', 'png', 'gif', 'webp', 'bmp', 'avif', 'heic', 'tiff', 'svg', 'text', 'unknown'] as const);
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export interface SniffResult {
  format: ImageFormat;
  /** Stored size from the header, before EXIF orientation; undefined when the header was not in the bytes given. */
  width?: number;
  height?: number;
  /** EXIF orientation 1–8 (JPEG); 5–8 swap width and height when displayed. 1 for other formats. */
  orientation: number;
  /** Bits per colour channel, where the header says (PNG 1–16, JPEG 8/12, AVIF/HEIC 8–12). */
  bitDepth?: number;
  hasAlpha: boolean;
  /** Four-component JPEG (CMYK or YCCK). */
  cmyk: boolean;
  animated: boolean;
  /** Frames counted (GIF, exact once the whole file was walked) or declared (APNG); undefined when unknown. */
  frames?: number;
  /** End marker present (true), missing (false), or not decidable from the bytes given (null). */
  complete: boolean | null;
  /** Why the header is invalid, in developer terms; the user-facing message is built in validate.ts. */
  corrupt?: string;
  /** The answer would improve with the whole file as `head` (header beyond the slice, or a walk needed). */
  needsWholeFile: boolean;
}

export function blankSniff(format: ImageFormat): SniffResult {
  return { format, orientation: 1, hasAlpha: false, cmyk: false, animated: false, complete: null, needsWholeFile: false };
}
