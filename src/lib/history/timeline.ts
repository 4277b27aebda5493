/** Pure cursor arithmetic over a linear history; no storage, no Svelte. */

export interface Timeline {
  entryIds: readonly string[];
  cursor: number;
}

/** Appends after the cursor; whatever was ahead of it (the redo branch) is returned as dropped. */
export function append(t: Timeline, id: string): { next: Timeline; dropped: string[] } {
  const kept = t.entryIds.slice(0, t.cursor + 1);
  const dropped = t.entryIds.slice(t.cursor + 1);
  return { next: { entryIds: [...kept, id], cursor: kept.length }, dropped };
}

/** The cursor after moving to index `i`, or null when `i` is not an entry or already current. */
export function moveTo(t: Timeline, i: number): number | null {
  if (!Number.isInteger(i) || i < 0 || i >= t.entryIds.length || i === t.cursor) return null;
  return i;
}

/** Undo never goes before the first entry: the opened image is the floor. */
export const canUndo = (cursor: number, length: number): boolean => cursor > 0 && cursor < length;
export const canRedo = (cursor: number, length: number): boolean => cursor >= 0 && cursor < length - 1;
