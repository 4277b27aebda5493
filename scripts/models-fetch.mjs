// `npm run models:fetch`: downloads the default model set into models/ for self-hosting (same-origin
// /models/<id>/<path>). Node 20 cannot strip TypeScript types, so Vite's module runner loads the TS.
// Options: --host <url> (Hub mirror), --only <role,...>, --out <dir>, --dtype all|f16|no-f16,
// --include-unpublished. See scripts/models-fetch.ts.
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const { module } = await runnerImport(fileURLToPath(new URL('./models-fetch.ts', import.meta.url)));
process.exitCode = await module.main(process.argv.slice(2));
