// Downloads models into a folder in the self-hosting layout `<out>/<repo id>/<path>`, with the
// browser's download code (src/lib/models/download.ts): Range resume, retries, content checks, and
// a file moved into place only once verified. Partial files wait in `<out>/<repo id>/.partial/`.
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Caps, Role } from '../models/manifest.ts';
import { MANIFEST } from '../models/manifest.ts';
import { DEFAULT_ROLES, manifestPins, modelEntries, type ModelEntry, type PinLookup } from '../src/lib/models/catalog.ts';
import { downloadFile, type DownloadTarget, type PartialMeta } from '../src/lib/models/download.ts';
import { ModelStorageFullError } from '../src/lib/models/errors.ts';
import { fileURL, hubSource, pathSegments } from '../src/lib/models/sources.ts';
import type { FileProgress } from '../src/lib/models/types.ts';
import { formatBytes } from '../src/lib/ui/format.ts';

export const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../models');

const exists = (path: string) => stat(path).then(() => true, () => false);
const noSpace = (error: unknown) => ((error as { code?: string }).code === 'ENOSPC' ? new ModelStorageFullError(null, null, { cause: error }) : error);

/** A DownloadTarget on the local disk. */
export function diskTarget(out: string, id: string, path: string): DownloadTarget {
  pathSegments(path);
  const final = join(out, id, path);
  const partialDir = join(out, id, '.partial');
  const data = join(partialDir, encodeURIComponent(path));
  const meta = `${data}.json`;
  return {
    size: async () => (await stat(data).catch(() => null))?.size ?? 0,
    meta: async () => JSON.parse(await readFile(meta, 'utf8').catch(() => 'null')) as PartialMeta | null,
    setMeta: async (m) => {
      await mkdir(partialDir, { recursive: true });
      await writeFile(`${meta}.tmp`, JSON.stringify(m));
      await rename(`${meta}.tmp`, meta);
    },
    open: async (at) => {
      await mkdir(partialDir, { recursive: true });
      const handle = await open(data, (await exists(data)) ? 'r+' : 'w');
      await handle.truncate(at);
      let position = at;
      return {
        write: async (chunk) => {
          try {
            for (let done = 0; done < chunk.length; ) done += (await handle.write(chunk, done, chunk.length - done, position + done)).bytesWritten;
          } catch (error) {
            throw noSpace(error);
          }
          position += chunk.length;
        },
        close: () => handle.close(),
      };
    },
    read: async (start, end) => {
      const handle = await open(data, 'r');
      try {
        const out = new Uint8Array(end - start);
        await handle.read(out, 0, out.length, start);
        return out;
      } finally {
        await handle.close();
      }
    },
    commit: async () => {
      await mkdir(dirname(final), { recursive: true });
      await rename(data, final);
      await rm(meta, { force: true });
    },
    discard: async () => {
      await rm(data, { force: true });
      await rm(meta, { force: true });
    },
  };
}

export interface FetchOptions {
  host?: string;
  out?: string;
  roles?: readonly Role[];
  caps?: Caps[];
  includeUnpublished?: boolean;
  /** Exact sizes and SHA-256 the files must have (default: models/pins.ts). */
  pins?: PinLookup;
  fetch?: typeof fetch;
  retry?: { baseMs?: number; maxMs?: number; attempts?: number };
  log?: (line: string) => void;
  onProgress?: (progress: FileProgress) => void;
}

export interface FetchReport {
  downloaded: string[];
  skipped: string[];
  failed: { file: string; reason: string }[];
  bytes: number;
  seconds: number;
}

/** Downloads every file of the chosen models that `out` does not hold at the manifest's revision. */
export async function fetchModels(o: FetchOptions = {}): Promise<FetchReport> {
  const out = o.out ?? DEFAULT_OUT;
  const source = hubSource(o.host);
  const log = o.log ?? (() => {});
  const entries = modelEntries(o.roles ?? DEFAULT_ROLES, o.caps ?? [{ shaderF16: true }, { shaderF16: false }], o.pins ?? manifestPins);
  const report: FetchReport = { downloaded: [], skipped: [], failed: [], bytes: 0, seconds: 0 };
  const t0 = performance.now();
  for (const entry of entries) {
    if (!entry.published && !o.includeUnpublished) {
      log(`skip ${entry.ref.id}: built by this project, not published yet`);
      continue;
    }
    await checkRevision(out, entry, log);
    for (const file of entry.files) {
      const name = `${entry.ref.id}/${file.path}`;
      if (await exists(join(out, entry.ref.id, file.path))) {
        report.skipped.push(name);
        continue;
      }
      try {
        const r = await downloadFile({
          url: fileURL(source, entry.ref, file.path),
          path: file.path,
          size: file.size,
          sha256: file.sha256,
          target: diskTarget(out, entry.ref.id, file.path),
          fetch: o.fetch,
          retry: o.retry,
          onProgress: o.onProgress,
          progressIntervalMs: 1000,
        });
        report.downloaded.push(name);
        report.bytes += r.bytes;
        log(`done ${name} (${formatBytes(r.bytes)}${r.resumes ? `, resumed ${r.resumes}×` : ''})`);
      } catch (error) {
        report.failed.push({ file: name, reason: (error as Error).message });
        log(`FAILED ${name}: ${(error as Error).message}`);
        if (error instanceof ModelStorageFullError) break;
      }
    }
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}

/** Files in `out/<id>` from another revision are removed before fetching this one. */
async function checkRevision(out: string, entry: ModelEntry, log: (line: string) => void): Promise<void> {
  const marker = join(out, entry.ref.id, '.revision');
  const stored = (await readFile(marker, 'utf8').catch(() => null))?.trim();
  if (stored === entry.ref.revision) return;
  if (stored !== undefined) {
    log(`${entry.ref.id}: revision changed (${stored} → ${entry.ref.revision}), fetching again`);
    await rm(join(out, entry.ref.id), { recursive: true, force: true });
  }
  await mkdir(join(out, entry.ref.id), { recursive: true });
  await writeFile(marker, `${entry.ref.revision}\n`);
}

function parseArgs(args: string[]): FetchOptions {
  const o: FetchOptions = {};
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${args[i - 1]} needs a value`);
      return v;
    };
    switch (args[i]) {
      case '--host':
        o.host = value();
        break;
      case '--out':
        o.out = resolve(value());
        break;
      case '--only': {
        const roles = value().split(',');
        const unknown = roles.filter((r) => !(r in MANIFEST));
        if (unknown.length) throw new Error(`Unknown role ${unknown.join(', ')}; roles: ${Object.keys(MANIFEST).join(', ')}`);
        o.roles = roles as Role[];
        break;
      }
      case '--dtype': {
        const v = value();
        o.caps = v === 'f16' ? [{ shaderF16: true }] : v === 'no-f16' ? [{ shaderF16: false }] : [{ shaderF16: true }, { shaderF16: false }];
        break;
      }
      case '--include-unpublished':
        o.includeUnpublished = true;
        break;
      default:
        throw new Error(`Unknown option ${args[i]}`);
    }
  }
  return o;
}

/** The command line; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let options: FetchOptions;
  try {
    options = parseArgs(args);
  } catch (error) {
    console.error(`${(error as Error).message}\nUsage: npm run models:fetch -- [--host URL] [--only role,...] [--out DIR] [--dtype all|f16|no-f16] [--include-unpublished]`);
    return 2;
  }
  const tty = process.stdout.isTTY;
  const report = await fetchModels({
    ...options,
    log: (line) => console.log(tty ? `\r\x1b[K${line}` : line),
    onProgress: (p) => {
      const eta = p.eta === null ? '' : `, ${Math.ceil(p.eta)} s left`;
      const line = `${p.path}: ${formatBytes(p.bytes)} of ${p.total === null ? '?' : formatBytes(p.total)} at ${formatBytes(p.rate)}/s${eta}`;
      if (tty) process.stdout.write(`\r\x1b[K${line}`);
    },
  });
  const rate = report.seconds > 0 ? report.bytes / report.seconds : 0;
  console.log(
    `${tty ? '\r\x1b[K' : ''}${report.downloaded.length} downloaded (${formatBytes(report.bytes)} in ${report.seconds.toFixed(1)} s, ${formatBytes(rate)}/s), ` +
      `${report.skipped.length} already there, ${report.failed.length} failed.`,
  );
  return report.failed.length ? 1 : 0;
}
