// `npm run models:build -- <official folder> <out folder> [--dtype fp16|fp32] [--parts …]` (see
// scripts/models-build.ts). Node 20 cannot strip TypeScript types, so Vite's module runner loads the TS.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./models-build.ts', import.meta.url)));
process.exitCode = await module.main(process.argv.slice(2));
