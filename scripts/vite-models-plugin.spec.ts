import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentType, modelsMiddleware, parseRange, resolveModelPath } from './vite-models-plugin.ts';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=90-500', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=5-2', 100, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=0-1,5-6', 100, null],
    ['items=0-1', 100, null],
    [undefined, 100, null],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('resolveModelPath and contentType', () => {
  it('keeps paths inside the root and refuses escapes and dot-files', () => {
    expect(resolveModelPath('/srv/models', 'a/b/c.onnx')).toBe('/srv/models/a/b/c.onnx');
    expect(resolveModelPath('/srv/models', 'a/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveModelPath('/srv/models', '../models-secret/x')).toBeNull();
    expect(resolveModelPath('/srv/models', 'a/.revision')).toBeNull();
    expect(resolveModelPath('/srv/models', 'a/..%5c..%5cx')).toBeNull();
    expect(resolveModelPath('/srv/models', 'a/%E0%A4%A')).toBeNull();
    expect(contentType('x/config.json')).toBe('application/json; charset=utf-8');
    expect(contentType('x/model.onnx_data')).toBe('application/octet-stream');
    expect(contentType('x/merges.txt')).toBe('text/plain; charset=utf-8');
  });
});

describe('modelsMiddleware over HTTP', () => {
  let dir: string;
  let server: Server;
  let url: string;
  const body = new Uint8Array(1000).map((_, i) => i % 251);
  beforeAll(async () => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'models-plugin-')));
    mkdirSync(join(dir, 'models/org/repo/onnx'), { recursive: true });
    writeFileSync(join(dir, 'models/org/repo/onnx/model.onnx'), body);
    writeFileSync(join(dir, 'models/org/repo/config.json'), '{"a":1}');
    writeFileSync(join(dir, 'models/org/repo/.revision'), 'abc');
    writeFileSync(join(dir, 'models/manifest.ts'), 'export {}');
    writeFileSync(join(dir, 'secret.txt'), 'no');
    const handler = modelsMiddleware(join(dir, 'models'), '/models/', () => ({ 'Cross-Origin-Embedder-Policy': 'require-corp' }), '404');
    server = createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 299;
        res.end('next');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends a whole file with its type, length, ETag and the isolation headers', async () => {
    const r = await fetch(`${url}/models/org/repo/onnx/model.onnx`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/octet-stream');
    expect(r.headers.get('content-length')).toBe('1000');
    expect(r.headers.get('accept-ranges')).toBe('bytes');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(r.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(body);
    const json = await fetch(`${url}/models/org/repo/config.json`);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual({ a: 1 });
  });

  it('answers a range with 206 and exactly those bytes, and 416 past the end', async () => {
    const r = await fetch(`${url}/models/org/repo/onnx/model.onnx`, { headers: { Range: 'bytes=600-' } });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe('bytes 600-999/1000');
    expect(r.headers.get('content-length')).toBe('400');
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(body.slice(600));
    const mid = await fetch(`${url}/models/org/repo/onnx/model.onnx`, { headers: { Range: 'bytes=10-19' } });
    expect(new Uint8Array(await mid.arrayBuffer())).toEqual(body.slice(10, 20));
    const past = await fetch(`${url}/models/org/repo/onnx/model.onnx`, { headers: { Range: 'bytes=1000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */1000');
  });

  it('sends the whole file when If-Range names another version', async () => {
    const r = await fetch(`${url}/models/org/repo/onnx/model.onnx`, { headers: { Range: 'bytes=600-', 'If-Range': '"old"' } });
    expect(r.status).toBe(200);
    expect((await r.arrayBuffer()).byteLength).toBe(1000);
  });

  it('answers HEAD with the length and no body', async () => {
    const r = await fetch(`${url}/models/org/repo/onnx/model.onnx`, { method: 'HEAD' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe('1000');
  });

  it.each([
    '/models/org/repo/missing.onnx',
    '/models/org/repo/onnx',
    '/models/org/repo/.revision',
    '/models/manifest.ts',
    '/models/build/official.ts',
  ])('404 for %s', async (path) => {
    const r = await fetch(`${url}${path}`);
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('Not found');
  });

  it.each(['/models/org/%2e%2e/%2e%2e/secret.txt', '/models/org/../../secret.txt', '/models/a/..%2f..%2fsecret.txt'])(
    '404 for the raw path %s (no traversal)',
    async (path) => {
      // fetch() would normalise the dots away; send the path as written.
      const { status, text } = await new Promise<{ status: number; text: string }>((done, fail) => {
        const req = request(`${url}${path}`, { path }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => done({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', fail);
        req.end();
      });
      expect(status).toBe(404);
      expect(text).toBe('Not found');
    },
  );

  it('refuses other methods and leaves other paths to the next handler', async () => {
    const post = await fetch(`${url}/models/org/repo/config.json`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const other = await fetch(`${url}/index.html`);
    expect(other.status).toBe(299);
  });

  it.each(['/models/manifest.ts', '/models/build/official.ts'])("in dev, leaves the folder's own code (%s) to Vite", async (path) => {
    const handler = modelsMiddleware(join(dir, 'models'), '/models/', () => undefined, 'next');
    let passed = false;
    handler({ url: path, method: 'GET', headers: {} } as never, {} as never, () => (passed = true));
    expect(passed).toBe(true);
  });
});
