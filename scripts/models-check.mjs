// `npm run models:check -- <folder | fixtures | self> [--f16] [--roles …] [--out report.md]` (see
// scripts/models-check.ts). Node 20 cannot strip TypeScript types, so Vite's module runner loads the TS.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./models-check.ts', import.meta.url)));
process.exitCode = await module.main(process.argv.slice(2));
