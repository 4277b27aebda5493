// Serves the repository's models/ folder at /models/ in `vite` (dev) and `vite preview`, as a
// self-hosting web server would: Content-Type, Content-Length, ETag, single HTTP ranges (the model
// download resumes with Range), 404 for anything missing, hidden or outside the folder. `vite build`
// copies nothing: model files never enter dist/.
import { createReadStream, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { Connect, Plugin } from 'vite';

const TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
  '.bin': 'application/octet-stream',
});

export const contentType = (path: string): string => TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/** The byte range a Range header asks for, 'unsatisfiable', or null to send the whole file (absent, malformed or multi-range). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * The file a URL path below the mount names, or null when it is not a plain path inside `root`:
 * '..', dot-files (models:fetch's `.partial/`, `.revision`), backslashes and NUL are refused.
 */
export function resolveModelPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.length === 0 || segments.some((s) => s.startsWith('.') || s.includes('\\') || s.includes('\0'))) return null;
  const file = resolve(root, ...segments);
  return file.startsWith(root + sep) ? file : null;
}

export interface ModelsPluginOptions {
  /** Folder to serve, relative to the Vite root (default 'models'). */
  dir?: string;
  /** URL prefix (default '/models/'). */
  base?: string;
}

type Headers = Record<string, string | string[] | number | undefined> | undefined;

/** Folders of models/ that hold source code (the graph builder, Check models), not model files. */
export const SOURCE_DIRS: ReadonlySet<string> = new Set(['build', 'check']);

/**
 * The middleware. Files directly in the folder (manifest.ts, README.md) and the source folders
 * (SOURCE_DIRS) are code, not models: in dev they go on to Vite (the app imports models/manifest.ts
 * and models/build/), in preview they are 404.
 */
export function modelsMiddleware(root: string, base: string, extraHeaders: () => Headers, topLevel: 'next' | '404'): Connect.NextHandleFunction {
  return (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => {
    const path = (req.url ?? '').split(/[?#]/)[0];
    if (!path.startsWith(base)) return next();
    const rest = path.slice(base.length);
    const source = !rest.includes('/') || SOURCE_DIRS.has(rest.split('/')[0]);
    if (source && topLevel === 'next') return next();
    for (const [k, v] of Object.entries(extraHeaders() ?? {})) if (v !== undefined) res.setHeader(k, v);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return end(res, 405, 'Method not allowed');
    }
    const file = source ? null : resolveModelPath(root, rest);
    let stat: Stats | null;
    try {
      stat = file ? statSync(file) : null;
    } catch {
      stat = null;
    }
    if (!file || !stat?.isFile()) return end(res, 404, 'Not found');

    const size = stat.size;
    const etag = `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    res.setHeader('Content-Type', contentType(file));
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Last-Modified', stat.mtime.toUTCString());
    res.setHeader('Cache-Control', 'no-cache');
    const ifRange = req.headers['if-range'];
    const range = ifRange && ifRange !== etag ? null : parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      res.setHeader('Content-Range', `bytes */${size}`);
      return end(res, 416, 'Range not satisfiable');
    }
    const { start, end: last } = range ?? { start: 0, end: size - 1 };
    res.statusCode = range ? 206 : 200;
    if (range) res.setHeader('Content-Range', `bytes ${start}-${last}/${size}`);
    res.setHeader('Content-Length', String(Math.max(0, last - start + 1)));
    if (req.method === 'HEAD' || size === 0) return res.end();
    const stream = createReadStream(file, { start, end: last });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };
}

function end(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.end(text);
}

export function modelsPlugin(options: ModelsPluginOptions = {}): Plugin {
  const base = `/${(options.base ?? '/models/').replace(/^\/+|\/+$/g, '')}/`;
  let root = '';
  let serverHeaders: Headers;
  let previewHeaders: Headers;
  return {
    name: 'instruct-edit:models',
    configResolved(config) {
      root = resolve(config.root, options.dir ?? 'models');
      serverHeaders = config.server.headers as Headers;
      previewHeaders = config.preview.headers as Headers;
    },
    configureServer(server) {
      server.middlewares.use(modelsMiddleware(root, base, () => serverHeaders, 'next'));
    },
    configurePreviewServer(server) {
      server.middlewares.use(modelsMiddleware(root, base, () => previewHeaders, '404'));
    },
  };
}
