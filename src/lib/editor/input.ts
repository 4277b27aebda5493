/** True when a drag carries files (not text or a link dragged within the page). */
export function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

/** The first file of a drop; any file, so a wrong one gets a clear message instead of silence. */
export function imageFromDrop(e: DragEvent): File | null {
  return e.dataTransfer?.files?.[0] ?? null;
}

/** The first image on the clipboard (a copied file or copied pixels). */
export function imageFromClipboard(e: ClipboardEvent): File | null {
  const data = e.clipboardData;
  if (!data) return null;
  const file = Array.from(data.files).find((f) => f.type.startsWith('image/')) ?? data.files[0];
  if (file) return file;
  for (const item of Array.from(data.items)) {
    if (item.kind === 'file') {
      const f = item.getAsFile();
      if (f) return f;
    }
  }
  return null;
}
