// `npm run models:build -- <official folder> <out folder> [--dtype fp16|fp32] [--parts unet,vae_decoder,…]`
// Builds the app's ONNX graphs from an official diffusers / transformers folder (config.json +
// safetensors per part) for self-hosting: `<out>/<part>/model.onnx` beside the weight file it refers
// to (hard-linked where the file system allows, else copied), the same builder the browser runs.
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { nodeFolder } from '../models/build/node-folder.ts';
import { type BuiltGraph, GRAPH_PARTS, type GraphDtype, type GraphPart, buildFromFolder } from '../models/build/official.ts';

export interface BuildOptions {
  source: string;
  out: string;
  dtype: GraphDtype;
  parts: GraphPart[];
}

export function parseArgs(args: string[]): BuildOptions {
  const positional: string[] = [];
  let dtype: GraphDtype = 'fp16';
  let parts: GraphPart[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--dtype') {
      const v = args[++i];
      if (v !== 'fp16' && v !== 'fp32') throw new Error(`--dtype takes fp16 or fp32, not ${v}`);
      dtype = v;
    } else if (a === '--parts') {
      parts = (args[++i] ?? '').split(',').filter(Boolean) as GraphPart[];
      const bad = parts.filter((p) => !GRAPH_PARTS.includes(p));
      if (bad.length) throw new Error(`unknown part ${bad.join(', ')} (parts: ${GRAPH_PARTS.join(', ')})`);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length !== 2) throw new Error('usage: models:build -- <official folder> <out folder> [--dtype fp16|fp32] [--parts unet,vae_encoder,vae_decoder,text_encoder,clip_vision]');
  const source = resolve(positional[0]);
  // By default every part whose folder exists (clip_vision lives in its own repository).
  const present = GRAPH_PARTS.filter((p) => existsSync(join(source, p.startsWith('vae') ? 'vae' : p, 'config.json')));
  return { source, out: resolve(positional[1]), dtype, parts: parts ?? present };
}

/** Puts the weight file beside the graph: a hard link costs no space; across file systems, a copy. */
function place(from: string, to: string): 'linked' | 'copied' {
  if (existsSync(to)) rmSync(to);
  try {
    linkSync(from, to);
    return 'linked';
  } catch {
    copyFileSync(from, to);
    return 'copied';
  }
}

export async function buildAll(o: BuildOptions, log: (line: string) => void = console.log): Promise<BuiltGraph[]> {
  const reader = nodeFolder(o.source);
  const built: BuiltGraph[] = [];
  for (const part of o.parts) {
    const start = performance.now();
    const g = await buildFromFolder(reader, part, o.dtype);
    const dir = join(o.out, part);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), g.model);
    const placed = g.data.map((d) => `${place(join(o.source, d.path), join(dir, d.location))} ${basename(d.path)} (${(statSync(join(o.source, d.path)).size / 1e6).toFixed(1)} MB)`);
    const warn = g.unused.length ? `; ${g.unused.length} tensors of the file unused (${g.unused.slice(0, 3).join(', ')}…)` : '';
    log(`${part}: model.onnx ${(g.model.length / 1e3).toFixed(0)} kB in ${(performance.now() - start).toFixed(0)} ms, weights ${placed.join(', ')}${warn}`);
    built.push(g);
  }
  return built;
}

export async function main(args: string[]): Promise<number> {
  try {
    const o = parseArgs(args);
    if (!o.parts.length) throw new Error(`${o.source} has no part folder with a config.json (unet/, vae/, text_encoder/, clip_vision/)`);
    console.log(`building ${o.parts.join(', ')} (${o.dtype}) from ${o.source} into ${o.out}`);
    await buildAll(o);
    return 0;
  } catch (e) {
    console.error(`models:build: ${(e as Error).message}`);
    return 1;
  }
}
