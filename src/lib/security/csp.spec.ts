import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, hostAllowed, parseModelHosts } from './csp.ts';

const directive = (policy: string, name: string) =>
  policy
    .split('; ')
    .find((d) => d.startsWith(`${name} `))
    ?.split(' ')
    .slice(1);

describe('contentSecurityPolicy', () => {
  it('allows wasm compilation but no eval and no inline script or style in the build', () => {
    const policy = contentSecurityPolicy();
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
    expect(directive(policy, 'style-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(directive(policy, 'frame-ancestors')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/'unsafe-eval'|'unsafe-inline'/);
  });

  it('names the Hub, its file hosts, loopback and the configured mirrors in connect-src', () => {
    const connect = directive(contentSecurityPolicy({ modelHosts: ['https://hf-mirror.com'] }), 'connect-src');
    expect(connect).toEqual(expect.arrayContaining(["'self'", 'https://huggingface.co', 'https://*.hf.co', 'https://hf-mirror.com', 'http://127.0.0.1:*']));
    expect(connect).not.toContain('ws://localhost:*');
  });

  it('adds only what the dev server needs in dev', () => {
    const policy = contentSecurityPolicy({ dev: true });
    expect(directive(policy, 'style-src')).toContain("'unsafe-inline'");
    expect(directive(policy, 'connect-src')).toContain('ws://localhost:*');
    expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
  });
});

describe('hostAllowed', () => {
  const self = 'https://edit.example';
  it.each([
    ['https://huggingface.co', true],
    ['https://cdn-lfs-us-1.hf.co', true],
    ['https://cas-bridge.xethub.hf.co', true],
    ['https://evilhf.co', false],
    ['https://hf-mirror.com', false],
    ['http://huggingface.co', false],
    ['http://127.0.0.1:9000', true],
    ['http://localhost:3000', true],
    ['https://edit.example', true],
    ['https://edit.example:8443', false],
  ])('%s → %s', (host, allowed) => {
    expect(hostAllowed(host, self)).toBe(allowed);
  });

  it('follows the configured mirrors', () => {
    expect(hostAllowed('https://hf-mirror.com', self, { modelHosts: parseModelHosts('https://hf-mirror.com') })).toBe(true);
  });
});

describe('parseModelHosts', () => {
  it('reads space-separated origins', () => {
    expect(parseModelHosts(' https://a.example  https://b.example:8443/ ')).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(parseModelHosts(undefined)).toEqual([]);
  });

  it.each(['http://mirror.example', 'https://u:p@a.example', 'https://a.example/path', 'not a url'])('refuses %s', (value) => {
    expect(() => parseModelHosts(value)).toThrow();
  });
});
