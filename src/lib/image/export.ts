/** Getting the edited image out: a safe file name and a browser download. */
import type { EncodeType } from './ops.ts';

export type ExportType = EncodeType;

export const EXPORT_EXTENSIONS: Readonly<Record<ExportType, string>> = Object.freeze({
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
});

const SUFFIX = '-edited';
const MAX_STEM = 100;
/** Characters Windows, macOS or Linux refuse or treat specially in file names, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[<>:"/\\|?*\u0000-\u001f\u007f]+/g;

/**
 * "beach.jpg" → "beach-edited.webp". Drops any folder path and the old extension, replaces unsafe
 * characters, does not stack "-edited" on a name that already ends with it, and falls back to "image".
 */
export function exportFileName(originalName: string, type: ExportType): string {
  const base = originalName.split(/[/\\]/).pop() ?? '';
  const stem = base.replace(/\.[^.]*$/, '');
  let safe = stem
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .replace(UNSAFE, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '');
  if (safe.endsWith(SUFFIX)) safe = safe.slice(0, -SUFFIX.length).replace(/[\s.-]+$/, '');
  safe = Array.from(safe).slice(0, MAX_STEM).join('').trimEnd() || 'image';
  return `${safe}${SUFFIX}.${EXPORT_EXTENSIONS[type]}`;
}

/**
 * Offers `blob` as a download named `name`. The object URL is revoked after `revokeAfterMs`, long
 * enough for every browser to have started reading it; returns once it is revoked.
 */
export function downloadBlob(blob: Blob, name: string, { revokeAfterMs = 1000, doc = document } = {}): Promise<void> {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  doc.body.append(link);
  try {
    link.click();
  } catch (e) {
    URL.revokeObjectURL(url);
    throw e;
  } finally {
    link.remove();
  }
  return new Promise((resolve) =>
    setTimeout(() => {
      URL.revokeObjectURL(url);
      resolve();
    }, revokeAfterMs),
  );
}
