/**
 * What a file is, read from its bytes alone: format, stored size, bit depth, frames, and whether its end
 * marker is present. Pure, so every rule is unit-tested in Node; decode.ts feeds it file slices.
 */
import { sniffJpeg } from './sniff-jpeg.ts';
import { sniffPng } from './sniff-png.ts';
import { sniffHeif } from './sniff-heif.ts';
import { sniffBmp, sniffGif, sniffTextLike, sniffTiff, sniffWebp } from './sniff-other.ts';
import type { ImageFormat, SniffResult } from './sniff-types.ts';

export { IMAGE_FORMATS, blankSniff, type ImageFormat, type SniffResult } from './sniff-types.ts';

/** Formats whose structure can be walked to the end when the whole file is at hand. */
const WALKABLE: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif']);

/**
 * @param head the first bytes of the file (the whole file allows structure walks)
 * @param tail the last bytes of the file (may overlap head); end markers are looked for here
 * @param size the file's total size in bytes
 */
export function sniffImage(head: Uint8Array, tail: Uint8Array, size: number): SniffResult {
  const whole = head.length >= size;
  const result =
    sniffJpeg(head, tail, whole) ??
    sniffPng(head, tail, whole) ??
    sniffGif(head, tail, whole) ??
    sniffWebp(head, size) ??
    sniffBmp(head, size) ??
    sniffHeif(head) ??
    sniffTiff(head) ??
    sniffTextLike(head);
  const dimsMissing = result.width === undefined && result.format !== 'svg' && result.format !== 'text' && result.format !== 'unknown';
  result.needsWholeFile =
    !whole && !result.corrupt && (dimsMissing || result.format === 'gif' || (result.complete === null && WALKABLE.has(result.format)));
  return result;
}

/** Size as displayed: EXIF orientations 5–8 swap the sides. */
export function displaySize(s: SniffResult): { width: number; height: number } | undefined {
  if (s.width === undefined || s.height === undefined) return undefined;
  return s.orientation >= 5 ? { width: s.height, height: s.width } : { width: s.width, height: s.height };
}

/** MIME type for a sniffed format, for Blob types and messages. */
export function mimeTypeOf(format: ImageFormat): string | undefined {
  switch (format) {
    case 'jpeg': case 'png': case 'gif': case 'webp': case 'bmp': case 'avif': case 'heic': case 'tiff':
      return `image/${format}`;
    case 'svg':
      return 'image/svg+xml';
    default:
      return undefined;
  }
}
