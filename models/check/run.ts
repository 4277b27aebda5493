// Check models: for each model the app would load on this device, its files, its I/O signature
// against the manifest, its ops against the WebGPU EP (read from the graph before any session), the
// node placement where the host can read it, one small inference (finite outputs, time per run), the
// estimated GPU memory and, with real weights, a semantic check. One role group at a time: its
// sessions are opened, checked and disposed before the next group's, so at most one group is held.
import { type BuiltGraph, type GraphPart, buildFromFolder } from '../build/official.ts';
import { estimate } from '../gpu-memory.ts';
import { type Dtype, MANIFEST, type Role, filesFor, variantFor } from '../manifest.ts';
import { DEFAULT_ROLES, modelEntries } from '../../src/lib/models/catalog.ts';
import { checkContract } from './contract.ts';
import { type GraphInfo, readGraph } from './graph.ts';
import type { CheckHost } from './host.ts';
import { PLANNER_QUESTION, type Verdict, judgePlan } from './judges.ts';
import { shapePicture } from './pictures.ts';
import { nonFinite, probeFeeds } from './probe.ts';
import { type CheckLine, type CheckName, type Report } from './report.ts';
import { type Opened, clipCheck, clipSegCheck, floats, vaeCheck } from './semantic.ts';
import { webgpuSupport } from './webgpu-ops.ts';

/** Roles checked together (the CLIP towers share a check), in the order an edit meets them. */
const GROUPS: readonly (readonly Role[])[] = [['vlm'], ['vlm-small'], ['clip-vision', 'clip-text'], ['t5-encoder'], ['clipseg'], ['sd-inpaint'], ['region-head']];

export const TEST_MODELS_SKIP = 'test models — skipped (their weights are random: only real weights can show meaning)';

const gb = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** A real weight file under this share of the manifest's listed size is taken for cut short. */
const SHORT = 0.5;

/** The picture side a session's image inputs get in the probe run. */
const PROBE_IMAGE: Partial<Record<string, number>> = { 'clip-vision': 224, clipseg: 352, 'sd-inpaint': 64 };

export interface CheckOptions {
  /** 'force' runs the semantic checks on test models too (specs: random weights must fail them). */
  semantic?: 'auto' | 'force';
}

export async function checkModels(host: CheckHost, options: CheckOptions = {}): Promise<Report> {
  const started = new Date();
  const t0 = performance.now();
  const lines: CheckLine[] = [];
  const add = (subject: string, check: CheckName, status: CheckLine['status'], detail: string) => {
    const line = { subject, check, status, detail };
    lines.push(line);
    host.onLine?.(line);
  };
  const roles = host.roles ?? DEFAULT_ROLES;

  for (const entry of modelEntries(roles, host.caps)) {
    const sizes = await Promise.all(entry.files.map(async (f) => ({ f, size: await host.size(entry.ref.id, f.path) })));
    const missing = sizes.filter((s) => s.size === null).map((s) => s.f.path);
    const empty = sizes.filter((s) => s.size === 0).map((s) => s.f.path);
    const total = sizes.reduce((n, s) => n + (s.size ?? 0), 0);
    const listed = sizes.filter((s) => s.size !== null && s.f.approxBytes).map((s) => `${s.f.path.split('/').pop()} ${gb(s.size!)}`);
    // Real weights far below the listing's size: a cut download, or a Git LFS pointer copied instead of the file.
    const short = host.testModels ? [] : sizes.filter((s) => s.size && s.f.approxBytes && s.size < SHORT * s.f.approxBytes);
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      empty.length ? `empty ${empty.join(', ')}` : '',
      ...short.map((s) => `${s.f.path} is ${gb(s.size!)}, the listing says ≈ ${gb(s.f.approxBytes!)} (cut short, or a Git LFS pointer?)`),
    ].filter(Boolean);
    if (problems.length) add(entry.ref.id, 'files', 'fail', problems.join('; '));
    else add(entry.ref.id, 'files', 'pass', `${entry.files.length} files, ${gb(total)}${listed.length ? ` (${listed.join(', ')})` : ''}`);
  }

  for (const group of GROUPS) {
    const members = group.filter((r) => roles.includes(r));
    if (!members.length) continue;
    const opened: Record<string, Opened> = {};
    try {
      for (const role of members) await checkRole(role, host, add, opened);
      await semantic(members, host, options, add, opened);
    } finally {
      await Promise.all(Object.values(opened).map((o) => o.session.dispose().catch(() => undefined)));
    }
  }
  return { source: host.source, testModels: host.testModels, environment: host.environment, lines, started: started.toISOString(), ms: performance.now() - t0 };
}

type Add = (subject: string, check: CheckName, status: CheckLine['status'], detail: string) => void;

async function configOf(host: CheckHost, id: string, path: string): Promise<Record<string, unknown>> {
  const bytes = await host.read(id, path).catch(() => null);
  try {
    return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The graph a session runs: the stored ONNX file, or for SD the graph built from the official folder. */
async function graphOf(host: CheckHost, role: Role, session: string, dtype: Dtype): Promise<{ model: Uint8Array; data: { path: string; data: Uint8Array }[] }> {
  const { id, variant } = filesFor(role, dtype);
  if (MANIFEST[role].loader.kind === 'build') {
    const built: BuiltGraph = await buildFromFolder(host.folder(id), session as GraphPart, dtype as 'fp16' | 'fp32');
    const data = await Promise.all(
      built.data.map(async (d) => {
        const bytes = await host.read(id, d.path);
        if (!bytes) throw new Error(`${d.path} is missing`);
        return { path: d.location, data: bytes };
      }),
    );
    return { model: built.model, data };
  }
  const path = variant.files[session].path;
  const model = await host.read(id, path);
  if (!model) throw new Error(`${path} is missing`);
  const dir = path.split('/').slice(0, -1).join('/');
  const data = await Promise.all(
    readGraph(model).externalFiles.map(async (location) => {
      const bytes = await host.read(id, dir ? `${dir}/${location}` : location);
      if (!bytes) throw new Error(`${location} (external data of ${path}) is missing`);
      return { path: location, data: bytes };
    }),
  );
  return { model, data };
}

async function checkRole(role: Role, host: CheckHost, add: Add, opened: Record<string, Opened>): Promise<void> {
  const spec = MANIFEST[role];
  const dtype = variantFor(role, host.caps);
  const { id, variant } = filesFor(role, dtype);
  for (const session of Object.keys(variant.files)) {
    const subject = `${role}/${session} ${dtype}`;
    const build = spec.loader.kind === 'build';
    let graph: { model: Uint8Array; data: { path: string; data: Uint8Array }[] };
    let info: GraphInfo;
    try {
      graph = await graphOf(host, role, session, dtype);
      info = readGraph(graph.model);
    } catch (e) {
      add(subject, 'io', 'fail', `${build ? 'the graph could not be built' : 'the file could not be read'}: ${errorText(e)}`);
      continue;
    }
    const config = await configOf(host, id, build ? `${session.startsWith('vae') ? 'vae' : session}/config.json` : 'config.json');
    const io = checkContract(spec.sessions[session], info, variant.ioFloat, config, spec.loader.kind !== 'transformers');
    add(subject, 'io', io.ok ? 'pass' : 'fail', io.ok ? `${info.inputs.length} inputs, ${info.outputs.length} outputs as the contract says${io.notes.length ? `; ${io.notes.join('; ')}` : ''}` : io.problems.join('; '));

    const verdicts = info.ops.map((o) => ({ o, support: webgpuSupport(o.domain, o.op, o.opset) }));
    const bad = verdicts.filter((v) => v.support === 'unsupported' || v.support === 'opset');
    const name = (v: (typeof verdicts)[number]) => `${v.o.domain ? `${v.o.domain}.` : ''}${v.o.op}${v.support === 'opset' ? ` at opset ${v.o.opset}` : ''} ×${v.o.count}`;
    add(subject, 'ops', bad.length ? 'fail' : 'pass', bad.length ? `not supported by the WebGPU EP: ${bad.map(name).join(', ')} (ORT puts them on the CPU or fails)` : `all ${info.ops.length} op types (${info.nodes} nodes) are supported by the WebGPU EP`);

    const mem = estimate(role, dtype, session);
    add(subject, 'memory', 'pass', `estimated ${gb(mem.gpuBytes)} on the GPU for the real ${dtype} file (weights ${gb(mem.weightBytes)} × 1.25${mem.assumed ? '; sizes not verified' : ''}; models/gpu-memory.ts)`);

    let s: Opened['session'];
    try {
      s = await host.open(`${role}/${session} ${dtype}`, graph.model, graph.data);
    } catch (e) {
      add(subject, 'run', 'fail', `the session could not be created on ${host.ep}: ${errorText(e)}`);
      continue;
    }
    opened[`${role}/${session}`] = { session: s, graph: info };
    if (s.placement) add(subject, 'placement', s.placement.pass ? 'pass' : 'fail', s.placement.detail);
    else add(subject, 'placement', 'skip', host.placementNote);
    try {
      const feeds = probeFeeds(info.inputs, PROBE_IMAGE[role] ?? 64);
      const t1 = performance.now();
      await s.run(feeds);
      const t2 = performance.now();
      const out = await s.run(feeds);
      const t3 = performance.now();
      const problems: string[] = [];
      for (const [k, o] of Object.entries(out)) {
        if (o.type !== 'float32' && o.type !== 'float16') continue;
        const { nan, inf } = nonFinite(floats(o));
        if (nan || inf) problems.push(`'${k}' has ${nan} NaN and ${inf} ±Inf of ${(o.data as ArrayLike<number>).length}`);
      }
      const timing = `first run ${(t2 - t1).toFixed(0)} ms, then ${(t3 - t2).toFixed(0)} ms a run on ${host.ep}`;
      add(subject, 'run', problems.length ? 'fail' : 'pass', problems.length ? `${problems.join('; ')} (${timing})` : `${Object.keys(out).length} outputs, all finite; ${timing}`);
    } catch (e) {
      add(subject, 'run', 'fail', `the run failed: ${errorText(e)}`);
    }
  }
}

async function semantic(members: readonly Role[], host: CheckHost, options: CheckOptions, add: Add, opened: Record<string, Opened>): Promise<void> {
  const skip = host.testModels && options.semantic !== 'force';
  const one = async (subject: string, needs: string[], run: () => Promise<Verdict>) => {
    if (skip) return add(subject, 'semantic', 'skip', TEST_MODELS_SKIP);
    const absent = needs.filter((n) => !opened[n]);
    if (absent.length) return add(subject, 'semantic', 'fail', `cannot run: ${absent.join(', ')} did not open`);
    try {
      const v = await run();
      add(subject, 'semantic', v.pass ? 'pass' : 'fail', v.detail);
    } catch (e) {
      add(subject, 'semantic', 'fail', errorText(e));
    }
  };
  const read = (role: Role) => (path: string) => host.read(filesFor(role, variantFor(role, host.caps)).id, path);
  if (members.includes('clip-vision') && members.includes('clip-text'))
    await one('clip', ['clip-vision/vision_model', 'clip-text/text_model'], () => clipCheck(opened['clip-vision/vision_model'], opened['clip-text/text_model'], read('clip-text')));
  if (members.includes('clipseg')) await one('clipseg', ['clipseg/model'], () => clipSegCheck(opened['clipseg/model'], read('clipseg')));
  if (members.includes('sd-inpaint')) await one('sd-inpaint/vae', ['sd-inpaint/vae_encoder', 'sd-inpaint/vae_decoder'], () => vaeCheck(opened['sd-inpaint/vae_encoder'], opened['sd-inpaint/vae_decoder']));
  if (members.includes('vlm')) {
    if (skip) add('vlm planner', 'semantic', 'skip', TEST_MODELS_SKIP);
    else if (!host.planner) add('vlm planner', 'semantic', 'skip', host.plannerNote ?? 'the planner cannot run here');
    else {
      // The planner loads its own sessions (transformers.js): release the probe's first.
      for (const k of Object.keys(opened).filter((k) => k.startsWith('vlm/'))) {
        await opened[k].session.dispose().catch(() => undefined);
        delete opened[k];
      }
      try {
        const v = judgePlan(await host.planner(shapePicture('red square', 448), PLANNER_QUESTION));
        add('vlm planner', 'semantic', v.pass ? 'pass' : 'fail', v.detail);
      } catch (e) {
        add('vlm planner', 'semantic', 'fail', errorText(e));
      }
    }
  }
}
