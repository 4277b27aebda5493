// An official model folder on disk as the builder's FolderReader (Node only: the CLI and the specs).
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FolderReader } from './official.ts';

export function nodeFolder(dir: string): FolderReader {
  return {
    where: dir,
    read: async (path) => (existsSync(join(dir, path)) ? new Uint8Array(readFileSync(join(dir, path))) : null),
    size: async (path) => (existsSync(join(dir, path)) ? statSync(join(dir, path)).size : null),
    async readRange(path, start, end) {
      const fd = openSync(join(dir, path), 'r');
      try {
        const out = new Uint8Array(end - start);
        let done = 0;
        while (done < out.length) {
          const n = readSync(fd, out, done, out.length - done, start + done);
          if (n === 0) break;
          done += n;
        }
        return out.subarray(0, done);
      } finally {
        closeSync(fd);
      }
    },
  };
}
