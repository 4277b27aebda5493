// Vitest globalSetup for specs that download models: generates the fixture models (the server serves
// models/fixtures/ in the Hub's layout), starts the test model server on 127.0.0.1 (the only host the
// test browser resolves) and provides its URL as `inject('modelServerURL')`.
import type { TestProject } from 'vitest/node';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { startModelServer } from './server.ts';

export default async function setup(project: TestProject) {
  generateFixtures();
  const server = await startModelServer({ root: FIXTURES_DIR });
  project.provide('modelServerURL', server.url);
  return () => server.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    modelServerURL: string;
  }
}
