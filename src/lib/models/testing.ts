// Test helpers: an in-memory DownloadTarget that records what happened to it.
import type { DownloadTarget, PartialMeta } from './download.ts';

export interface MemoryTarget extends DownloadTarget {
  /** The committed file, once verified. */
  committed: Uint8Array | null;
  partial: Uint8Array;
  discards: number;
  /** Offsets passed to `open`, one per response body written. */
  opens: number[];
}

export function memoryTarget(): MemoryTarget {
  let meta: PartialMeta | null = null;
  const t: MemoryTarget = {
    committed: null,
    partial: new Uint8Array(0),
    discards: 0,
    opens: [],
    size: async () => t.partial.length,
    meta: async () => meta,
    setMeta: async (m) => void (meta = m),
    open: async (at) => {
      t.opens.push(at);
      t.partial = t.partial.slice(0, at);
      return {
        write: async (chunk) => {
          const next = new Uint8Array(t.partial.length + chunk.length);
          next.set(t.partial);
          next.set(chunk, t.partial.length);
          t.partial = next;
        },
        close: async () => {},
      };
    },
    read: async (start, end) => t.partial.slice(start, end),
    commit: async () => {
      t.committed = t.partial;
      t.partial = new Uint8Array(0);
      meta = null;
    },
    discard: async () => {
      t.discards++;
      t.partial = new Uint8Array(0);
      meta = null;
    },
  };
  return t;
}
