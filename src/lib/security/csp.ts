// The editor's Content-Security-Policy, in one place: vite.config.ts sends it from the dev and preview
// servers and writes it into dist/_headers for static hosts; the Models dialog asks `hostAllowed` before
// it accepts a mirror the policy would block. Pure TS (no DOM, no Node) so both sides import it.

/** The Hugging Face Hub and the hosts its file URLs redirect to (LFS and Xet storage live under hf.co). */
export const HUB_ORIGINS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'] as const;

/** Plain http is accepted for these only: a mirror on this machine (tests, `npx serve models/`). */
// (No IPv6 literal: CSP's host grammar has none, so the policy could not allow it.)
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3})$/i;

export const isLoopback = (hostname: string): boolean => LOOPBACK.test(hostname);

/**
 * Extra model hosts the site's operator allows, space-separated origins (`VITE_MODEL_HOSTS` at build
 * time). Anything that is not an https origin (or a loopback http one) is refused loudly: a typo here
 * would silently block every download.
 */
export function parseModelHosts(value: string | undefined): string[] {
  const hosts: string[] = [];
  for (const item of (value ?? '').split(/\s+/).filter(Boolean)) {
    const url = new URL(item);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
      throw new Error(`VITE_MODEL_HOSTS: "${item}" must be an https:// origin (plain http only for localhost)`);
    }
    if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) {
      throw new Error(`VITE_MODEL_HOSTS: "${url.origin}" must be a bare origin, without user, path, query or fragment`);
    }
    hosts.push(url.origin);
  }
  return hosts;
}

export interface PolicyOptions {
  /** Extra origins for connect-src (mirrors), from parseModelHosts. */
  modelHosts?: readonly string[];
  /** Vite's dev server: inline <style> from HMR and its websocket. */
  dev?: boolean;
}

/**
 * The policy, one directive per entry. Notes on the choices:
 * - `'wasm-unsafe-eval'`: onnxruntime-web compiles its wasm; nothing else needs eval. `'unsafe-eval'`
 *   is absent: the e2e suite runs every model path under this policy and fails on a violation.
 * - `blob:` in script-src and worker-src: transformers.js reads onnxruntime-web's wasm factory (.mjs)
 *   through its cache, patches one line and imports it from an object URL (`loadWasmFactory` in
 *   transformers.web.js); ORT's threads start from that URL. Only this page can mint its blob URLs,
 *   so this lets in nothing from elsewhere.
 * - `img-src blob: data:`: the canvas, thumbnails and previews are object URLs.
 * - `style-src 'self'`: Svelte's styles are extracted into the CSS file; `style:` directives go
 *   through CSSOM, which CSP does not restrict. Dev adds `'unsafe-inline'` for Vite's injected styles.
 * - `frame-ancestors 'none'`: nobody frames the editor (clickjacking); only a header can say it.
 */
export function contentSecurityPolicy(options: PolicyOptions = {}): string {
  // Loopback on any port: a mirror on the person's own machine is theirs to use, and reaching it leaks nothing.
  const connect = ["'self'", ...HUB_ORIGINS, ...(options.modelHosts ?? []), 'http://localhost:*', 'http://127.0.0.1:*'];
  if (options.dev) connect.push('ws://localhost:*', 'ws://127.0.0.1:*');
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': connect,
    'img-src': ["'self'", 'blob:', 'data:'],
    'style-src': options.dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'font-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** CSP host-source matching for the origins above: exact origin, or `https://*.suffix` for any subdomain. */
function matchesSource(origin: URL, source: string): boolean {
  const wildcard = /^(https?):\/\/\*\.([^/:]+)(:\*)?$/.exec(source);
  if (wildcard) return origin.protocol === `${wildcard[1]}:` && origin.hostname.endsWith(`.${wildcard[2]}`);
  const any = /^(https?):\/\/([^/:]+):\*$/.exec(source);
  if (any) return origin.protocol === `${any[1]}:` && origin.hostname === any[2];
  return origin.origin === source;
}

/** Whether the policy lets the page whose origin is `self` download from `host` (an http(s) URL). */
export function hostAllowed(host: string, self: string, options: PolicyOptions = {}): boolean {
  const url = new URL(host);
  const connect = /connect-src ([^;]*)/.exec(contentSecurityPolicy(options))![1].split(' ');
  return connect.some((source) => (source === "'self'" ? url.origin === self : matchesSource(url, source)));
}
