import type { ModelRef } from './types.ts';
import { isLoopback } from '../security/csp.ts';

export const HUB_HOST = 'https://huggingface.co';
export const SELF_BASE = '/models/';

/**
 * Where model files come from: the Hugging Face Hub (or a mirror with the same URL layout,
 * `<host>/<repo id>/resolve/<revision>/<path>`), or this site's own `/models/<repo id>/<path>`
 * (the layout `npm run models:fetch` writes).
 */
export type ModelSource = { kind: 'hub'; host: string } | { kind: 'self'; base: string };

export function hubSource(host: string = HUB_HOST): ModelSource {
  const url = new URL(host); // throws on a host that is not a URL
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`Model host must be http(s): ${url.protocol}//${url.host}`);
  // Credentials in the URL would be kept in localStorage and sent with every request: refused, and not echoed back.
  if (url.username || url.password) throw new Error(`Model host must not contain a user name or password: use ${url.protocol}//${url.host}`);
  // Plain http to another machine lets anyone on the path swap the model files.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) throw new Error(`Model host must use https:// (plain http only for this machine): ${url.host}`);
  if (url.search || url.hash) throw new Error(`Model host must not carry a query or fragment: ${url.origin}`);
  return { kind: 'hub', host: url.href.replace(/\/+$/, '') };
}

export function selfSource(base: string = SELF_BASE): ModelSource {
  return { kind: 'self', base: base.endsWith('/') ? base : `${base}/` };
}

const ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
const SEGMENT = /^(?!\.{1,2}$)[^/\\\0]+$/;

/** Throws unless `id` is a repository id ("owner/name" or "name") that cannot escape a folder. */
export function checkModelId(id: string): string {
  if (!ID.test(id) || id.includes('..')) throw new Error(`Not a model repository id: "${id}"`);
  return id;
}

/** Splits a file path inside a repository into its segments; throws on empty, absolute or ".." paths. */
export function pathSegments(path: string): string[] {
  const segments = path.split('/');
  if (!path || segments.some((s) => !SEGMENT.test(s))) throw new Error(`Not a file path inside a repository: "${path}"`);
  return segments;
}

const encodePath = (path: string) => pathSegments(path).map(encodeURIComponent).join('/');

/** The URL of one file of a model at a revision. Self-hosted files carry no revision in their URL. */
export function fileURL(source: ModelSource, ref: ModelRef, path: string): string {
  checkModelId(ref.id);
  if (source.kind === 'hub') return `${source.host}/${ref.id}/resolve/${encodeURIComponent(ref.revision)}/${encodePath(path)}`;
  return `${source.base}${ref.id}/${encodePath(path)}`;
}

/** The host part shown to people in messages ("huggingface.co", "this site"). */
export function sourceLabel(source: ModelSource): string {
  return source.kind === 'hub' ? new URL(source.host).host : 'this site';
}
