// Vitest globalSetup for specs that download models: generates the fixture models (the server serves
// models/fixtures/ in the Hub's layout), starts the test model server on 127.0.0.1 (the only host the
// test browser resolves) and provides its URL as `inject('modelServerURL')`.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { GOLDEN_ROOT } from '../../models/build/golden.ts';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { startModelServer } from './server.ts';

/** The golden folders (../shared/golden/<name>), copied where the dev server serves them: /models/fixtures/golden/<name>/. */
function serveGolden(): string[] {
  if (!existsSync(GOLDEN_ROOT)) return [];
  const names = readdirSync(GOLDEN_ROOT).filter((d) => existsSync(join(GOLDEN_ROOT, d, 'unet')) || existsSync(join(GOLDEN_ROOT, d, 'golden.json')));
  for (const name of names) cpSync(join(GOLDEN_ROOT, name), join(FIXTURES_DIR, 'golden', name), { recursive: true });
  return names;
}

export default async function setup(project: TestProject) {
  generateFixtures();
  project.provide('goldenFolders', serveGolden());
  const server = await startModelServer({ root: FIXTURES_DIR });
  project.provide('modelServerURL', server.url);
  return () => server.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    modelServerURL: string;
    /** Golden folders served at /models/fixtures/golden/<name>/ (empty when ../shared/golden is absent). */
    goldenFolders: string[];
  }
}
