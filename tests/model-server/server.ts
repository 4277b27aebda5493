// A local stand-in for the Hugging Face Hub: serves files in the Hub's URL layout
// `<url>/<repo id>/resolve/<revision>/<path>` (any revision), with Range support, CORS for
// cross-origin test pages, and faults on demand: cut connections, HTML error pages with 200,
// error statuses, ignored ranges, wrong lengths, changed ETags, throttling.
//
// Files come from `root/<repo id>/<path>` (e.g. models/fixtures), or are computed for the repository
// `synthetic/<anything>` (see synthetic.ts). Faults belong to a scenario: a test creates one
// (POST /__scenarios, or `server.scenario()` in Node) and uses `<url>/s/<scenario id>` as the host.
import { once } from 'node:events';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve, sep } from 'node:path';
import { fillSynthetic, syntheticSize } from './synthetic.ts';

export type Fault =
  /** Sends the headers and `after` bytes of the body, then drops the connection. */
  | { kind: 'cut'; after: number }
  | { kind: 'status'; status: number; retryAfter?: number }
  /** An HTML error page with status 200 (and the Content-Type given, text/html by default). */
  | { kind: 'html'; contentType?: string }
  /** Answers 200 with the whole file even when a range was asked. */
  | { kind: 'ignore-range' }
  /** Serves only the first `length` bytes, with headers that say the file is that long. */
  | { kind: 'length'; length: number }
  /** Another ETag, as if the file had changed on the server. */
  | { kind: 'etag'; etag: string }
  /** Sends the headers, then nothing until the client goes away. */
  | { kind: 'hang' }
  /** Serves the file with every byte from `from` on inverted: the right length and start, the wrong content. */
  | { kind: 'corrupt'; from: number };

/** A fault for the next `times` (default 1) requests whose file path contains `path` (default: any); `ranged`: only requests with a Range header. */
export type FaultRule = Fault & { path?: string; times?: number; ranged?: boolean };

export interface ScenarioOptions {
  faults?: FaultRule[];
  /** Throttles every body to this rate. */
  bytesPerSecond?: number;
}

export interface LoggedRequest {
  method: string;
  /** `<repo id>/<path>` */
  file: string;
  range: string | null;
  status: number;
  /** Body bytes written. */
  sent: number;
  fault: Fault['kind'] | null;
}

export interface ModelServer {
  url: string;
  /** Creates a scenario; use `${url}/s/${id}` as the model host. */
  scenario(options?: ScenarioOptions): string;
  log(id: string): LoggedRequest[];
  /** File requests served so far (control requests not counted). */
  readonly requests: number;
  close(): Promise<void>;
}

interface Scenario {
  faults: FaultRule[];
  bytesPerSecond: number | null;
  log: LoggedRequest[];
}

interface Source {
  size: number;
  tag: string;
  read(start: number, out: Uint8Array): void;
  close(): void;
}

const CHUNK = 256 * 1024;
const HTML_PAGE = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'Range, If-Range, Content-Type',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Content-Encoding, Accept-Ranges, ETag, Retry-After',
  // The test page is cross-origin isolated (COEP require-corp).
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

function contentType(path: string): string {
  return path.endsWith('.json') ? 'application/json; charset=utf-8' : path.endsWith('.txt') ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

function openSource(root: string | undefined, id: string, path: string): Source | null {
  if (id.startsWith('synthetic/')) {
    const size = syntheticSize(path);
    return size === null ? null : { size, tag: `${id}/${path}`, read: (start, out) => fillSynthetic(path, start, out), close() {} };
  }
  if (!root) return null;
  const file = resolve(root, id, path);
  if (!file.startsWith(resolve(root) + sep)) return null;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return null;
    const fd = openSync(file, 'r');
    return { size: stat.size, tag: `${id}/${path}@${stat.mtimeMs}`, read: (start, out) => void readSync(fd, out, 0, out.length, start), close: () => closeSync(fd) };
  } catch {
    return null;
  }
}

function etagOf(tag: string, size: number): string {
  let h = 0x811c9dc5;
  for (const c of `${tag}:${size}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return `"${(h >>> 0).toString(16)}-${size}"`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes `data` and waits until it has left for the socket (so a cut after it sends it all). */
const flushWrite = (res: ServerResponse, data: Uint8Array) => new Promise<void>((ok, fail) => res.write(data, (e) => (e ? fail(e) : ok())));

export async function startModelServer(options: { root?: string; port?: number } = {}): Promise<ModelServer> {
  const scenarios = new Map<string, Scenario>();
  let requests = 0;
  let nextId = 1;

  const scenario = (o: ScenarioOptions = {}) => {
    const id = `t${nextId++}`;
    scenarios.set(id, { faults: (o.faults ?? []).map((f) => ({ ...f })), bytesPerSecond: o.bytesPerSecond ?? null, log: [] });
    return id;
  };

  async function control(req: IncomingMessage, res: ServerResponse, parts: string[]) {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { ...CORS, 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && parts.length === 1) {
      let text = '';
      for await (const chunk of req) text += chunk;
      return json(200, { id: scenario(text ? (JSON.parse(text) as ScenarioOptions) : {}) });
    }
    if (parts[0] === 'stats') return json(200, { requests });
    const s = scenarios.get(parts[1] ?? '');
    if (s && parts[2] === 'log') return json(200, s.log);
    return json(404, { error: 'unknown control request' });
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse, s: Scenario | null, id: string, path: string) {
    requests++;
    const range = req.headers.range ?? null;
    const entry: LoggedRequest = { method: req.method ?? 'GET', file: `${id}/${path}`, range, status: 0, sent: 0, fault: null };
    s?.log.push(entry);
    const ruleIndex = s ? s.faults.findIndex((f) => (!f.path || entry.file.includes(f.path)) && (!f.ranged || range !== null)) : -1;
    const fault: Fault | null = ruleIndex >= 0 ? s!.faults[ruleIndex] : null;
    if (fault) {
      const rule = s!.faults[ruleIndex];
      rule.times = (rule.times ?? 1) - 1;
      if (rule.times <= 0) s!.faults.splice(ruleIndex, 1);
      entry.fault = fault.kind;
    }
    const head = (status: number, headers: Record<string, string | number>) => {
      entry.status = status;
      res.writeHead(status, { ...CORS, ...headers });
    };

    if (fault?.kind === 'status') {
      head(fault.status, { 'Content-Type': 'text/plain', ...(fault.retryAfter !== undefined ? { 'Retry-After': fault.retryAfter } : {}) });
      return res.end(`error ${fault.status}`);
    }
    if (fault?.kind === 'html') {
      head(200, { 'Content-Type': fault.contentType ?? 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(HTML_PAGE) });
      entry.sent = Buffer.byteLength(HTML_PAGE);
      return res.end(req.method === 'HEAD' ? undefined : HTML_PAGE);
    }
    const source = openSource(options.root, id, path);
    if (!source) {
      head(404, { 'Content-Type': 'text/plain' });
      return res.end('Entry not found');
    }
    try {
      const size = fault?.kind === 'length' ? Math.min(fault.length, source.size) : source.size;
      const etag = fault?.kind === 'etag' ? fault.etag : etagOf(source.tag, size);
      const base = { 'Content-Type': contentType(path), 'Accept-Ranges': 'bytes', ETag: etag };
      const m = fault?.kind === 'ignore-range' ? null : range?.match(/^bytes=(\d+)-(\d*)$/);
      let start = 0;
      let end = size;
      if (m) {
        start = Number(m[1]);
        end = m[2] ? Math.min(size, Number(m[2]) + 1) : size;
        if (start >= size || end <= start) {
          head(416, { ...base, 'Content-Range': `bytes */${size}` });
          return res.end();
        }
        head(206, { ...base, 'Content-Length': end - start, 'Content-Range': `bytes ${start}-${end - 1}/${size}` });
      } else head(200, { ...base, 'Content-Length': size });
      if (req.method === 'HEAD') return res.end();
      if (fault?.kind === 'hang') return void (await once(res, 'close'));

      const limit = fault?.kind === 'cut' ? Math.min(fault.after, end - start) : end - start;
      let closed = false;
      res.on('close', () => (closed = true));
      const started = Date.now();
      while (entry.sent < limit && !closed) {
        const chunk = new Uint8Array(Math.min(CHUNK, limit - entry.sent));
        source.read(start + entry.sent, chunk);
        if (fault?.kind === 'corrupt') for (let i = Math.max(0, fault.from - start - entry.sent); i < chunk.length; i++) chunk[i] ^= 0xff;
        await flushWrite(res, chunk);
        entry.sent += chunk.length;
        if (s?.bytesPerSecond) {
          const due = started + (entry.sent / s.bytesPerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
      }
      if (fault?.kind === 'cut') {
        // A real cut comes some time after the last bytes; without the pause a client may see the
        // error before it has read them (a failed body stream drops the chunks it still queues).
        await sleep(30);
        res.socket?.destroy();
      }
      else res.end();
    } catch {
      res.destroy();
    } finally {
      source.close();
    }
  }

  const server = createServer((req, res) => {
    const parts = new URL(req.url ?? '/', 'http://x').pathname.split('/').slice(1).map(decodeURIComponent);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    if (parts[0] === '__scenarios' || parts[0] === '__stats') return void control(req, res, parts[0] === '__stats' ? ['stats'] : parts);
    let s: Scenario | null = null;
    if (parts[0] === 's') {
      s = scenarios.get(parts[1]) ?? null;
      parts.splice(0, 2);
    }
    const at = parts.indexOf('resolve');
    if (at < 1 || at + 2 >= parts.length || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, CORS);
      return res.end('Not found');
    }
    void serveFile(req, res, s, parts.slice(0, at).join('/'), parts.slice(at + 2).join('/'));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('model server has no port');

  return {
    url: `http://127.0.0.1:${address.port}`,
    scenario,
    log: (id) => scenarios.get(id)?.log ?? [],
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
