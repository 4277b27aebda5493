// Model files in the Origin Private File System. Complete files and partial downloads live apart,
// so a partial or unverified file can never be mistaken for a complete one:
//
//   models/<id>/<revision>/files/<path>      complete, verified files (id and revision URI-encoded)
//   models/<id>/<revision>/partial/d-<path>  bytes of an unfinished download (path URI-encoded)
//   models/<id>/<revision>/partial/m-<path>  where they came from (PartialMeta JSON)
//   runtime/<key>                            runtime assets (onnxruntime-web's wasm), key URI-encoded
import type { DownloadTarget, PartialMeta } from './download.ts';
import { entries, fileIn, moveFile, openWriter, removeIfPresent, subdir, walk, writeFileAtomically } from './opfs.ts';
import { checkModelId, pathSegments } from './sources.ts';
import type { ModelRef } from './types.ts';

const MODELS = 'models';
const RUNTIME = 'runtime';
const FILES = 'files';
const PARTIAL = 'partial';
const enc = encodeURIComponent;

/** The key of a runtime asset: its URL's path and query, so the same file matches on any origin. */
export function assetKey(url: string): string {
  const u = new URL(url, globalThis.location?.origin ?? 'http://localhost');
  return u.pathname + u.search;
}

export interface StoredModel extends ModelRef {
  /** Complete files, sorted by path. */
  files: { path: string; size: number }[];
  bytes: number;
  /** Bytes of unfinished downloads kept for resuming. */
  partialBytes: number;
}

export class ModelStore {
  constructor(readonly root: FileSystemDirectoryHandle) {}

  /** A store in `root`, by default this origin's OPFS root. */
  static async open(root?: FileSystemDirectoryHandle): Promise<ModelStore> {
    return new ModelStore(root ?? (await navigator.storage.getDirectory()));
  }

  /** A store in a folder of this origin's OPFS root (created when absent), or in the root itself for null. */
  static async openIn(dir: string | null): Promise<ModelStore> {
    const root = await navigator.storage.getDirectory();
    return new ModelStore(dir ? await root.getDirectoryHandle(dir, { create: true }) : root);
  }

  #dir(ref: ModelRef, rest: string[], create = false) {
    return subdir(this.root, [MODELS, enc(checkModelId(ref.id)), enc(ref.revision), ...rest], create);
  }

  /** A complete file as a disk-backed File (reading it does not load it all into memory); null when absent. */
  async file(ref: ModelRef, path: string): Promise<File | null> {
    const segments = pathSegments(path);
    const handle = await fileIn(await this.#dir(ref, [FILES, ...segments.slice(0, -1)]), segments[segments.length - 1]);
    return handle ? handle.getFile() : null;
  }

  async has(ref: ModelRef, path: string): Promise<boolean> {
    return (await this.file(ref, path)) !== null;
  }

  /** Revisions of a model that have anything stored. */
  async revisions(id: string): Promise<string[]> {
    const dir = await subdir(this.root, [MODELS, enc(checkModelId(id))]);
    return dir ? (await entries(dir)).filter(([, h]) => h.kind === 'directory').map(([name]) => decodeURIComponent(name)) : [];
  }

  /** One model revision's files and sizes; null when no file or partial download of it is stored. */
  async model(ref: ModelRef): Promise<StoredModel | null> {
    const dir = await this.#dir(ref, []);
    if (!dir) return null;
    const filesDir = await subdir(dir, [FILES]);
    const partialDir = await subdir(dir, [PARTIAL]);
    const files = filesDir ? await walk(filesDir) : [];
    const partial = partialDir ? (await walk(partialDir)).filter((f) => f.path.startsWith('d-')) : [];
    if (files.length === 0 && partial.length === 0) return null;
    return {
      id: ref.id,
      revision: ref.revision,
      files,
      bytes: files.reduce((n, f) => n + f.size, 0),
      partialBytes: partial.reduce((n, f) => n + f.size, 0),
    };
  }

  /** Every stored model revision. */
  async list(): Promise<StoredModel[]> {
    const models = await subdir(this.root, [MODELS]);
    if (!models) return [];
    const found: StoredModel[] = [];
    for (const [idName, idDir] of await entries(models)) {
      if (idDir.kind !== 'directory') continue;
      for (const [revName, revDir] of await entries(idDir as FileSystemDirectoryHandle)) {
        if (revDir.kind !== 'directory') continue;
        const model = await this.model({ id: decodeURIComponent(idName), revision: decodeURIComponent(revName) });
        if (model) found.push(model);
      }
    }
    return found.sort((a, b) => (a.id + a.revision < b.id + b.revision ? -1 : 1));
  }

  /** Removes one revision of a model, or every revision when given only its id; partial downloads included. */
  async delete(model: ModelRef | string): Promise<void> {
    const id = typeof model === 'string' ? model : model.id;
    const idDir = await subdir(this.root, [MODELS, enc(checkModelId(id))]);
    if (typeof model === 'string') await removeIfPresent(await subdir(this.root, [MODELS]), enc(id));
    else await removeIfPresent(idDir, enc(model.revision));
    if (idDir && typeof model !== 'string' && (await entries(idDir)).length === 0) await removeIfPresent(await subdir(this.root, [MODELS]), enc(id));
  }

  /** The download target for one file: its partial file, and the move into place once verified. */
  target(ref: ModelRef, path: string): DownloadTarget {
    const segments = pathSegments(path);
    const data = `d-${enc(path)}`;
    const metaName = `m-${enc(path)}`;
    const partial = (create = false) => this.#dir(ref, [PARTIAL], create);
    const dataFile = async () => (await fileIn(await partial(), data))?.getFile() ?? null;
    return {
      size: async () => (await dataFile())?.size ?? 0,
      meta: async () => {
        const file = await (await fileIn(await partial(), metaName))?.getFile();
        try {
          return file ? (JSON.parse(await file.text()) as PartialMeta) : null;
        } catch {
          return null;
        }
      },
      setMeta: async (meta) => writeFileAtomically((await partial(true))!, metaName, new Blob([JSON.stringify(meta)])),
      open: async (at) => openWriter(await (await partial(true))!.getFileHandle(data, { create: true }), at),
      read: async (start, end) => {
        const file = await dataFile();
        if (!file) throw new Error(`No partial download of "${path}"`);
        return new Uint8Array(await file.slice(start, end).arrayBuffer());
      },
      commit: async () => {
        const from = (await partial())!;
        const to = (await this.#dir(ref, [FILES, ...segments.slice(0, -1)], true))!;
        await moveFile(from, data, to, segments[segments.length - 1]);
        await removeIfPresent(from, metaName);
      },
      discard: async () => {
        const dir = await partial();
        await removeIfPresent(dir, data);
        await removeIfPresent(dir, metaName);
      },
    };
  }

  /** A runtime asset (e.g. onnxruntime-web's wasm) by key (its URL); null when absent. */
  async asset(key: string): Promise<File | null> {
    return (await fileIn(await subdir(this.root, [RUNTIME]), enc(key)))?.getFile() ?? null;
  }

  async putAsset(key: string, blob: Blob): Promise<void> {
    await writeFileAtomically((await subdir(this.root, [RUNTIME], true))!, enc(key), blob);
  }

  /** Removes every runtime asset but those under `keep` (the current version's). */
  async pruneAssets(keep: string[]): Promise<void> {
    const dir = await subdir(this.root, [RUNTIME]);
    if (!dir) return;
    const kept = new Set(keep.map(enc));
    for (const [name] of await entries(dir)) if (!kept.has(name)) await removeIfPresent(dir, name);
  }

  /** Bytes of every runtime asset. */
  async assetBytes(): Promise<number> {
    const dir = await subdir(this.root, [RUNTIME]);
    return dir ? (await walk(dir)).reduce((n, f) => n + f.size, 0) : 0;
  }
}
