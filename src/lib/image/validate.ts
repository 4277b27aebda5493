/**
 * Policy: turns what sniffing found into either a decode plan or an ImageInputError with a message a
 * person can act on. Pure, so every message is unit-tested without a browser.
 */
import { ImageInputError } from './errors.ts';
import { MAX_PIXELS, MAX_SIDE, fitWithinCap, megapixels, withinCap, type Size } from './limits.ts';
import { displaySize, type ImageFormat, type SniffResult } from './sniff.ts';

export interface DecodeOptions {
  /** Decode images over the caps scaled down to fit them, instead of refusing with 'too-large'. */
  downscaleToCap?: boolean;
  /** Name used in messages when the Blob is not a File. */
  name?: string;
}

export interface DecodePlan {
  format: ImageFormat;
  /** Full-resolution size as displayed (after EXIF orientation); undefined only for AVIF/HEIC without one. */
  size?: Size;
  /** Decode at this size instead of full resolution (only with `downscaleToCap`). */
  resize?: Size;
  notes: string[];
}

export const FORMAT_LABELS: Readonly<Record<ImageFormat, string>> = Object.freeze({
  jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', bmp: 'BMP', avif: 'AVIF', heic: 'HEIC', tiff: 'TIFF', svg: 'SVG', text: 'text', unknown: 'unknown',
});

const OPENABLE = 'JPEG, PNG, WebP, GIF, BMP or AVIF';
const quoted = (name: string) => `“${name}”`;
const dims = (s: Size) => `${s.width} × ${s.height}`;

export function planDecode(s: SniffResult, name: string, options: DecodeOptions = {}): DecodePlan {
  const file = quoted(name);
  const label = FORMAT_LABELS[s.format];
  switch (s.format) {
    case 'svg':
      throw new ImageInputError('svg-refused', `${file} is an SVG drawing. SVG files can contain scripts, so the editor does not open them. Export the drawing as PNG from the app that made it, then open the PNG.`, name);
    case 'text':
      throw new ImageInputError('not-an-image', `${file} is a text file, not a picture${extensionHint(name)}. Choose a photo or image file (${OPENABLE}).`, name);
    case 'unknown':
      throw new ImageInputError('not-an-image', `${file} is not a picture the editor recognises. Choose a ${OPENABLE} file.`, name);
    case 'tiff':
      throw new ImageInputError('unsupported-format', `${file} is a TIFF file, which browsers cannot open. Save it as JPEG or PNG in a photo app, then open that.`, name);
  }
  if (s.corrupt) {
    throw new ImageInputError('corrupt', `${file} is damaged: its ${label} header is invalid (${s.corrupt}). Open another copy of the file, or export it again from the app that made it.`, name);
  }
  if (s.complete === false) {
    throw new ImageInputError('truncated', `${file} is incomplete: the ${label} data stops before the end of the picture, so part of it would be missing. Download or copy the file again, then open the new copy.`, name);
  }
  const size = displaySize(s);
  if (!size && s.format !== 'avif' && s.format !== 'heic') {
    throw new ImageInputError('corrupt', `${file} is damaged: the ${label} header that gives the picture's size is missing. Open another copy of the file, or export it again from the app that made it.`, name);
  }
  const notes = formatNotes(s, file);
  let resize: Size | undefined;
  if (size && !withinCap(size)) {
    if (!options.downscaleToCap) throw tooLargeError(name, size);
    resize = fitWithinCap(size);
    notes.push(`${file} was opened scaled down from ${dims(size)} to ${dims(resize)} pixels to fit the editor's limit.`);
  }
  return { format: s.format, size, resize, notes };
}

export function tooLargeError(name: string, size: Size): ImageInputError {
  const fitted = fitWithinCap(size);
  return new ImageInputError(
    'too-large',
    `${quoted(name)} is ${dims(size)} pixels (${megapixels(size.width * size.height)}); the editor handles up to ${MAX_SIDE} pixels on a side and ${megapixels(MAX_PIXELS)} in all. Open it scaled down to ${dims(fitted)}, or reduce its size in another app first.`,
    name,
    { width: size.width, height: size.height },
  );
}

/** The error for a file that passed every check but that the browser still would not decode. */
export function decodeFailedError(format: ImageFormat, name: string, cause?: unknown): ImageInputError {
  const file = quoted(name);
  if (format === 'heic') {
    return new ImageInputError('heic-unsupported', `${file} is a HEIC photo, which this browser cannot open. Export or share it as JPEG or PNG (on an iPhone: Settings › Camera › Formats › Most Compatible), then open that.`, name, undefined, { cause });
  }
  return new ImageInputError('decode-failed', `The browser could not decode ${file} (${FORMAT_LABELS[format]}). The file may be damaged or use a feature this browser lacks. Export it again as JPEG or PNG, then open that.`, name, undefined, { cause });
}

export function emptyError(name: string): ImageInputError {
  return new ImageInputError('empty', `${quoted(name)} is empty (0 bytes), so there is no picture in it. Check that it finished downloading or copying, then choose it again.`, name);
}

export function readFailedError(name: string, cause: unknown): ImageInputError {
  return new ImageInputError('read-failed', `${quoted(name)} could not be read. It may have been moved, renamed or deleted since you chose it. Choose it again.`, name, undefined, { cause });
}

export function fileTooBigError(name: string, bytes: number, maxBytes: number): ImageInputError {
  const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
  return new ImageInputError('file-too-big', `${quoted(name)} is ${mb(bytes)}; the editor opens image files up to ${mb(maxBytes)}. Save a smaller copy (JPEG or a reduced size), then open that.`, name);
}

function formatNotes(s: SniffResult, file: string): string[] {
  const notes: string[] = [];
  if (s.animated) notes.push(`${file} is animated${s.frames ? ` (${s.frames} frames)` : ''}; only the first frame was opened.`);
  if (s.bitDepth !== undefined && s.bitDepth > 8) notes.push(`${file} has ${s.bitDepth} bits per colour channel; it was reduced to 8 bits for editing.`);
  if (s.cmyk) notes.push(`${file} uses CMYK (print) colours; they were converted to RGB for editing, so some may look slightly different.`);
  return notes;
}

function extensionHint(name: string): string {
  const ext = /\.([a-z0-9]{2,5})$/i.exec(name)?.[1];
  return ext ? `, even though its name ends in .${ext.toLowerCase()}` : '';
}
