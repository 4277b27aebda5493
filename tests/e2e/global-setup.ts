import { existsSync } from 'node:fs';
import { preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { contentSecurityPolicy, parseModelHosts } from '../../src/lib/security/csp.ts';

/** Serves the production build (with its real service worker) for the end-to-end tests. */
export default async function setup(project: TestProject) {
  if (!existsSync('dist/index.html')) throw new Error('No build found: run `npm run build` before the e2e tests.');
  // vite.config.ts leaves the policy out under Vitest (its browser runner uses inline scripts); the
  // built app is served here with it, as `vite preview` and dist/_headers serve it.
  const csp = contentSecurityPolicy({ modelHosts: parseModelHosts(process.env.VITE_MODEL_HOSTS) });
  const server = await preview({
    configFile: 'vite.config.ts',
    preview: { port: 4173, strictPort: false, host: '127.0.0.1', headers: { 'Content-Security-Policy': csp } },
    logLevel: 'error',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  project.provide('baseURL', url);
  return async () => {
    await server.close();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}
