/**
 * File → ImageBitmap. The main thread reads only small slices (and, for a missing end marker or a GIF,
 * walks the bytes once); the browser decodes off the main thread. Nothing is stored: the caller swaps
 * in the result only when this resolves, so a rejected file leaves the current work untouched.
 */
import { MAX_FILE_BYTES, withinCap } from './limits.ts';
import { mimeTypeOf, sniffImage, type ImageFormat } from './sniff.ts';
import { decodeFailedError, emptyError, fileTooBigError, planDecode, readFailedError, tooLargeError, type DecodeOptions } from './validate.ts';

export type { DecodeOptions } from './validate.ts';

/** Enough for JPEG headers behind large EXIF/ICC segments and for AVIF/HEIC `meta` boxes. */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 1024;
/** Whole-file walks (JPEG/PNG end marker not in the tail, GIF frame count) only up to this size. */
export const MAX_WALK_BYTES = 256 * 1024 * 1024;

export interface DecodedImage {
  /** Pixels as displayed (EXIF orientation applied), at full resolution unless downscaled to the cap. */
  bitmap: ImageBitmap;
  width: number;
  height: number;
  /** Full-resolution size as displayed; differs from width/height only after `downscaleToCap`. */
  originalWidth: number;
  originalHeight: number;
  format: ImageFormat;
  mimeType: string;
  /** Things the person should know (first frame only, reduced bit depth, CMYK, downscaled). */
  notes: string[];
  /** The file as chosen, untouched: the full-resolution original for later stages and history. */
  source: Blob;
  name: string;
}

export async function decodeImage(file: Blob, options: DecodeOptions = {}): Promise<DecodedImage> {
  const name = options.name ?? (typeof File !== 'undefined' && file instanceof File && file.name ? file.name : 'image');
  if (file.size === 0) throw emptyError(name);
  if (file.size > MAX_FILE_BYTES) throw fileTooBigError(name, file.size, MAX_FILE_BYTES);

  const tail = await readBytes(file, Math.max(0, file.size - TAIL_BYTES), file.size, name);
  let sniff = sniffImage(await readBytes(file, 0, HEAD_BYTES, name), tail, file.size);
  if (sniff.needsWholeFile && file.size <= MAX_WALK_BYTES) {
    sniff = sniffImage(await readBytes(file, 0, file.size, name), tail, file.size);
  }
  const plan = planDecode(sniff, name, options);

  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      imageOrientation: 'from-image',
      ...(plan.resize && { resizeWidth: plan.resize.width, resizeHeight: plan.resize.height, resizeQuality: 'high' }),
    });
  } catch (e) {
    throw decodeFailedError(plan.format, name, e);
  }
  const decoded = { width: bitmap.width, height: bitmap.height };
  if (decoded.width === 0 || decoded.height === 0) {
    bitmap.close();
    throw decodeFailedError(plan.format, name);
  }
  // The caps were checked on the header; AVIF/HEIC may have had none, so check what came out too.
  if (!withinCap(decoded)) {
    bitmap.close();
    throw tooLargeError(name, decoded);
  }
  const original = plan.size ?? decoded;
  return {
    bitmap,
    width: decoded.width,
    height: decoded.height,
    originalWidth: original.width,
    originalHeight: original.height,
    format: plan.format,
    mimeType: mimeTypeOf(plan.format) ?? 'application/octet-stream',
    notes: plan.notes,
    source: file,
    name,
  };
}

async function readBytes(file: Blob, start: number, end: number, name: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.slice(start, end).arrayBuffer());
  } catch (e) {
    throw readFailedError(name, e);
  }
}
