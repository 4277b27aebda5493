/**
 * Where the SD model's files come from: a folder URL (self-hosted files, the fixtures, a benchmark's
 * `?models=` parameter) or the app's model store through the vision worker's reader. Paths are those
 * inside the repository (`unet/config.json`, `tokenizer/vocab.json`).
 */
import type { FolderReader } from '../../models/build/official.ts';
import type { FetchFile } from '../vision/transformers-env.ts';
import { DiffusionError } from './errors.ts';

export interface ModelFiles {
  /** For messages: the folder or repository. */
  where: string;
  read(path: string): Promise<Uint8Array>;
  /** Reads a file when it exists; null when it does not. */
  readOptional(path: string): Promise<Uint8Array | null>;
  /** A URL ORT can fetch itself (large external weights), when files have URLs. */
  url?(path: string): string;
}

/** A dev server or SPA host answers a missing file with index.html and status 200. */
const isHtml = (r: Response) => r.headers.get('content-type')?.includes('text/html') ?? false;

export function folderFiles(base: string): ModelFiles {
  const root = base.replace(/\/?$/, '/');
  const get = async (path: string): Promise<Response | null> => {
    let r: Response;
    try {
      r = await fetch(`${root}${path}`);
    } catch (e) {
      throw new DiffusionError('model-files', `${root}${path} could not be fetched (${(e as Error).message})`, { cause: e });
    }
    if (r.status === 404 || (r.ok && isHtml(r))) return null;
    if (!r.ok) throw new DiffusionError('model-files', `${root}${path}: ${r.status} ${r.statusText}`);
    return r;
  };
  return {
    where: root,
    url: (path) => `${root}${path}`,
    async readOptional(path) {
      const r = await get(path);
      return r ? new Uint8Array(await r.arrayBuffer()) : null;
    },
    async read(path) {
      const r = await get(path);
      if (!r) throw new DiffusionError('model-files', `${root}${path} is missing: the SD inpainting model folder needs it`);
      return new Uint8Array(await r.arrayBuffer());
    },
  };
}

/** Files of repository `id` through a reader (the model store's, from configureTransformers). */
export function readerFiles(fetchFile: FetchFile, id: string): ModelFiles {
  return {
    where: id,
    read: (path) =>
      fetchFile(id, path).catch((e: unknown) => {
        throw new DiffusionError('model-files', `${id}/${path}: ${(e as Error).message}`, { cause: e });
      }),
    readOptional: (path) => fetchFile(id, path).catch(() => null),
  };
}

export const json = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));

/**
 * The graph builder's view of a model folder (models/build/official.ts). Over URLs, safetensors
 * headers are read by Range requests and ORT fetches the weights itself; over a reader (the model
 * store), each weight file is read once and its bytes serve both the header and ORT.
 */
export class BuildSource implements FolderReader {
  readonly where: string;
  readonly #whole = new Map<string, Promise<Uint8Array | null>>();

  constructor(private readonly files: ModelFiles) {
    this.where = files.where;
  }

  #at(path: string): string {
    return `${this.where.replace(/\/?$/, '/')}${path}`;
  }

  read(path: string): Promise<Uint8Array | null> {
    let p = this.#whole.get(path);
    if (!p) this.#whole.set(path, (p = this.files.readOptional(path)));
    return p;
  }

  async size(path: string): Promise<number | null> {
    if (!this.files.url) return (await this.read(path))?.length ?? null;
    const head = await fetch(this.files.url(path), { method: 'HEAD' }).catch(() => null);
    if (!head?.ok || isHtml(head)) return null;
    const length = Number(head.headers.get('content-length'));
    return Number.isFinite(length) && length > 0 ? length : null;
  }

  async readRange(path: string, start: number, end: number): Promise<Uint8Array> {
    if (!this.files.url) {
      const bytes = await this.read(path);
      if (!bytes) throw new DiffusionError('model-files', `${this.#at(path)} is missing`);
      return bytes.subarray(start, end);
    }
    const r = await fetch(this.files.url(path), { headers: { Range: `bytes=${start}-${end - 1}` } });
    if (!r.ok || isHtml(r)) throw new DiffusionError('model-files', `${this.#at(path)}: ${r.status} ${r.statusText}`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    return r.status === 206 ? bytes : bytes.subarray(start, end); // a server without Range support sends it all
  }

  /** What ORT's `externalData` gets for a weight file: its URL, or the bytes already read. */
  async externalData(path: string): Promise<string | Uint8Array> {
    if (this.files.url) return this.files.url(path);
    const bytes = await this.read(path);
    if (!bytes) throw new DiffusionError('model-files', `${this.#at(path)} is missing`);
    return bytes;
  }

  /** Lets go of one file's bytes (its session holds its own copy). */
  forget(path: string): void {
    this.#whole.delete(path);
  }

  /** Lets go of every file's bytes. */
  release(): void {
    this.#whole.clear();
  }
}
