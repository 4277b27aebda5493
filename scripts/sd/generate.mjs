// `node scripts/sd/generate.mjs …` (flags in generate.ts): Node 20 cannot strip TypeScript types,
// so Vite's module runner loads the generator.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./generate.ts', import.meta.url)));
module.main(process.argv.slice(2));
