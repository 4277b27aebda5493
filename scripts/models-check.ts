// `npm run models:check -- <folder | fixtures | self> [--f16] [--roles vlm,clipseg,…] [--out report.md]`
// Check models from the command line, in Node: a folder in the layout `models:fetch` writes
// (`<folder>/<model id>/<path>`), `self` (= ./models) or `fixtures` (the generated test models).
// Sessions run on onnxruntime-web's wasm CPU provider: the files, I/O, op support (read from the
// graph, against the WebGPU EP's list), the inference and the semantic checks run here; node
// placement on WebGPU cannot (Node has no WebGPU), nor the planner check (run Check models in the
// Models dialog for those).
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { nodeFolder } from '../models/build/node-folder.ts';
import { MANIFEST, type Role } from '../models/manifest.ts';
import type { CheckHost, OpenedSession } from '../models/check/host.ts';
import type { FeedData } from '../models/check/probe.ts';
import { counts, formatLine, formatReport } from '../models/check/report.ts';
import { checkModels } from '../models/check/run.ts';
import { FIXTURES_DIR } from './fixtures/generate.ts';

export interface CheckArgs {
  root: string;
  testModels: boolean;
  f16: boolean;
  roles?: Role[];
  out?: string;
}

const USAGE = 'usage: npm run models:check -- <folder | fixtures | self> [--f16] [--roles vlm,clip-vision,…] [--out report.md]';

export function parseArgs(args: string[], cwd = process.cwd()): CheckArgs {
  const positional: string[] = [];
  let f16 = false;
  let roles: Role[] | undefined;
  let out: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--f16') f16 = true;
    else if (a === '--roles') {
      roles = (args[++i] ?? '').split(',').filter(Boolean) as Role[];
      const bad = roles.filter((r) => !(r in MANIFEST));
      if (bad.length || !roles.length) throw new Error(`unknown role ${bad.join(', ') || '(none given)'} (roles: ${Object.keys(MANIFEST).join(', ')})`);
    } else if (a === '--out') out = args[++i];
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else positional.push(a);
  }
  if (positional.length !== 1) throw new Error(USAGE);
  const what = positional[0];
  if (what === 'hub') throw new Error('the Hub profile keeps its files in the browser: use Check models in the Models dialog, or download them with `npm run models:fetch` and check that folder');
  const root = what === 'fixtures' ? FIXTURES_DIR : what === 'self' ? resolve(cwd, 'models') : resolve(cwd, what);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`${root} is not a folder${what === 'fixtures' ? ' (run `npm run fixtures` first)' : ''}`);
  return { root, testModels: resolve(root) === resolve(FIXTURES_DIR), f16, roles, out };
}

function tensor(f: FeedData): ort.Tensor {
  return new ort.Tensor(f.type, f.data as never, f.dims);
}

export function nodeHost(a: CheckArgs, onLine?: CheckHost['onLine']): CheckHost {
  ort.env.wasm.numThreads = 1;
  const file = (id: string, path: string) => join(a.root, id, path);
  return {
    ep: 'wasm',
    source: a.root,
    testModels: a.testModels,
    environment: [
      `Node ${process.version} on ${process.platform} ${process.arch}, ${cpus().length} CPU cores`,
      `onnxruntime-web ${ort.env.versions.web} wasm (CPU) execution provider, 1 thread`,
      `variants: ${a.f16 ? 'shader-f16 (fp16 / q4f16)' : 'without shader-f16 (fp32 / q4 / q8)'}`,
      'not checked here: node placement on WebGPU and the planner (use Check models in the Models dialog)',
    ],
    caps: { shaderF16: a.f16 },
    roles: a.roles,
    size: async (id, path) => (existsSync(file(id, path)) ? statSync(file(id, path)).size : null),
    read: async (id, path) => (existsSync(file(id, path)) ? new Uint8Array(readFileSync(file(id, path))) : null),
    folder: (id) => nodeFolder(join(a.root, id)),
    async open(_name, model, externalData): Promise<OpenedSession> {
      const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], externalData });
      return {
        placement: null,
        run: async (feeds) => {
          const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensor(f)])));
          return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }]));
        },
        dispose: () => session.release(),
      };
    },
    placementNote: 'Node has no WebGPU: node placement is read in the browser (Check models in the Models dialog)',
    plannerNote: 'runs only in the browser (Check models in the Models dialog): the planner is transformers.js generation in the language worker',
    onLine,
  };
}

export async function main(args: string[]): Promise<number> {
  let a: CheckArgs;
  try {
    a = parseArgs(args);
  } catch (e) {
    console.error(`models:check: ${(e as Error).message}`);
    return 2;
  }
  console.error(`checking ${a.testModels ? 'the test models' : a.root} on onnxruntime-web wasm…`);
  const report = await checkModels(nodeHost(a, (l) => console.error(formatLine(l))));
  const text = formatReport(report);
  if (a.out) writeFileSync(a.out, text);
  console.log(text);
  return counts(report.lines).fail ? 1 : 0;
}
