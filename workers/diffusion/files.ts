/**
 * Where the SD model's files come from: a folder URL (self-hosted files, the fixtures, a benchmark's
 * `?models=` parameter) or the app's model store through the vision worker's reader. Paths are those
 * inside the repository (`unet/model.onnx`, `tokenizer/vocab.json`).
 */
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
