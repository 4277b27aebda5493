// Every check of Check models, run as the CLI runs it (Node, ORT wasm) on the test models and on
// copies of them broken one way each: a NaN weight, a missing output, an unsupported op, a wrong
// input dtype, a missing file, a zeroed VAE decoder. Each broken copy must fail exactly its check.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerLength, parseHeader } from '../build/safetensors.ts';
import type { Role } from '../manifest.ts';
import { FIXTURES_DIR, generateFixtures } from '../../scripts/fixtures/generate.ts';
import { nodeHost, parseArgs } from '../../scripts/models-check.ts';
import type { CheckLine, Report } from './report.ts';
import { TEST_MODELS_SKIP, checkModels } from './run.ts';

const { onnx } = onnxProto;
const T5 = 'Xenova/flan-t5-base';
const T5_FILE = 'onnx/encoder_model_quantized.onnx';
const SD = 'stable-diffusion-v1-5/stable-diffusion-inpainting';
const roots: string[] = [];

beforeAll(() => generateFixtures());
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A folder holding a copy of one fixture repository, changed by `edit` (a "real" folder: not the fixtures path). */
function brokenCopy(id: string, edit: (dir: string) => void): string {
  const root = mkdtempSync(join(tmpdir(), 'check-'));
  roots.push(root);
  cpSync(join(FIXTURES_DIR, id), join(root, id), { recursive: true });
  edit(join(root, id));
  return root;
}

function editOnnx(file: string, change: (m: onnxProto.onnx.ModelProto) => void): void {
  const m = onnx.ModelProto.decode(readFileSync(file));
  change(m);
  writeFileSync(file, onnx.ModelProto.encode(m).finish());
}

/** Checks a broken copy as the test models it is (tiny files: the size check for real weights would flag them all). */
async function check(root: string, roles: Role[], semantic: 'auto' | 'force' = 'auto'): Promise<Report> {
  return checkModels(nodeHost({ ...parseArgs([root]), testModels: true, roles }), { semantic });
}

const line = (r: Report, subject: RegExp, check: CheckLine['check']) => {
  const found = r.lines.filter((l) => subject.test(l.subject) && l.check === check);
  expect(found, `${subject} · ${check}`).toHaveLength(1);
  return found[0];
};

describe('Check models on the test models', () => {
  let report: Report;
  beforeAll(async () => {
    report = await checkModels(nodeHost(parseArgs(['fixtures'])));
  }, 120_000);

  it('checks every stored model: files, io, ops, memory, run; placement and semantics skipped with the reason', () => {
    expect(report.testModels).toBe(true);
    const subjects = new Set(report.lines.filter((l) => l.check === 'run').map((l) => l.subject));
    expect([...subjects]).toEqual([
      'vlm/embed_tokens q4', 'vlm/vision_encoder q4', 'vlm/decoder_model_merged q4', 'clip-vision/vision_model q8', 'clip-text/text_model q8',
      't5-encoder/encoder_model q8', 'clipseg/model q8', 'sd-inpaint/text_encoder fp32', 'sd-inpaint/unet fp32', 'sd-inpaint/vae_encoder fp32', 'sd-inpaint/vae_decoder fp32',
    ]);
    for (const c of ['files', 'io', 'run', 'memory'] as const) expect(report.lines.filter((l) => l.check === c).every((l) => l.status === 'pass'), c).toBe(true);
    expect(report.lines.filter((l) => l.check === 'placement').every((l) => l.status === 'skip' && /Node has no WebGPU/.test(l.detail))).toBe(true);
    const semantic = report.lines.filter((l) => l.check === 'semantic');
    expect(semantic.map((l) => l.subject)).toEqual(['vlm planner', 'clip', 'clipseg', 'sd-inpaint/vae']);
    expect(semantic.every((l) => l.status === 'skip' && l.detail === TEST_MODELS_SKIP)).toBe(true);
  });

  it('reports numbers: sizes, time per run, estimated GPU memory', () => {
    expect(line(report, /^Xenova\/clipseg/, 'files').detail).toMatch(/^5 files, [\d.]+ [kM]B \(model_quantized.onnx [\d.]+ [kM]B\)$/);
    expect(line(report, /^sd-inpaint\/unet/, 'run').detail).toMatch(/^1 outputs, all finite; first run \d+ ms, then \d+ ms a run on wasm$/);
    expect(line(report, /^sd-inpaint\/unet/, 'memory').detail).toMatch(/^estimated 4\.30 GB on the GPU for the real fp32 file \(weights 3\.44 GB × 1\.25/);
    expect(line(report, /^sd-inpaint\/unet/, 'ops').detail).toMatch(/^all 19 op types \(\d+ nodes\) are supported by the WebGPU EP$/);
  });

  it("names the test Qwen vision encoder's Mod, which WebGPU does not run (webgpu-ops.browser.spec.ts)", () => {
    expect(line(report, /^vlm\/vision_encoder/, 'ops')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^not supported by the WebGPU EP: Mod ×2/) });
  });
});

describe('each check fails on a model broken for it', () => {
  it('an intact copy passes', async () => {
    const r = await check(brokenCopy(T5, () => {}), ['t5-encoder']);
    expect(r.lines.filter((l) => l.status === 'fail')).toEqual([]);
  });

  it('files: weights far below their listed size, as real weights, are taken for cut short', async () => {
    const root = brokenCopy(T5, () => {});
    expect(parseArgs([root]).testModels).toBe(false); // any folder but the fixtures holds real weights
    const r = await checkModels(nodeHost({ ...parseArgs([root]), roles: ['t5-encoder'] }));
    expect(line(r, /^Xenova\/flan-t5-base$/, 'files')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^onnx\/encoder_model_quantized.onnx is [\d.]+ kB, the listing says ≈ 110.0 MB \(cut short, or a Git LFS pointer\?\)$/),
    });
  });

  it('files: a missing file is named', async () => {
    const r = await check(brokenCopy(T5, (dir) => rmSync(join(dir, 'tokenizer.json'))), ['t5-encoder']);
    expect(line(r, /^Xenova\/flan-t5-base$/, 'files')).toMatchObject({ status: 'fail', detail: 'missing tokenizer.json' });
  });

  it('run: one weight set to NaN makes the outputs non-finite', async () => {
    const root = brokenCopy(T5, (dir) =>
      editOnnx(join(dir, T5_FILE), (m) => {
        const t = m.graph!.initializer!.find((i) => i.dataType === onnx.TensorProto.DataType.FLOAT && (i.rawData?.length ?? 0) >= 16)!;
        const raw = new Uint8Array(t.rawData!);
        new DataView(raw.buffer, raw.byteOffset).setFloat32(0, NaN, true);
        t.rawData = raw;
      }),
    );
    const r = await check(root, ['t5-encoder']);
    expect(line(r, /^t5-encoder/, 'run')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^'last_hidden_state' has \d+ NaN and 0 ±Inf of \d+/) });
    expect(line(r, /^t5-encoder/, 'io').status).toBe('pass');
  });

  it('io: a missing output is named', async () => {
    const root = brokenCopy(T5, (dir) =>
      editOnnx(join(dir, T5_FILE), (m) => {
        m.graph!.output![0].name = 'hidden';
        for (const n of m.graph!.node!) n.output = n.output!.map((o) => (o === 'last_hidden_state' ? 'hidden' : o));
      }),
    );
    expect(line(await check(root, ['t5-encoder']), /^t5-encoder/, 'io')).toMatchObject({ status: 'fail', detail: "output 'last_hidden_state' is missing" });
  });

  it('io: a wrong input dtype is named with both types', async () => {
    const root = brokenCopy(T5, (dir) => editOnnx(join(dir, T5_FILE), (m) => (m.graph!.input!.find((i) => i.name === 'attention_mask')!.type!.tensorType!.elemType = onnx.TensorProto.DataType.INT32)));
    const io = line(await check(root, ['t5-encoder']), /^t5-encoder/, 'io');
    expect(io).toMatchObject({ status: 'fail', detail: "input 'attention_mask' is int32, the contract says int64" });
  });

  it('ops: an op the WebGPU EP lacks is named with its count (read from the graph, before any session)', async () => {
    const root = brokenCopy(T5, (dir) =>
      editOnnx(join(dir, T5_FILE), (m) => {
        m.graph!.node!.find((n) => n.opType === 'Add')!.opType = 'Sum'; // same result for two inputs; no WebGPU kernel
      }),
    );
    const r = await check(root, ['t5-encoder']);
    expect(line(r, /^t5-encoder/, 'ops')).toMatchObject({ status: 'fail', detail: 'not supported by the WebGPU EP: Sum ×1 (ORT puts them on the CPU or fails)' });
    expect(line(r, /^t5-encoder/, 'run').status).toBe('pass'); // the CPU provider still runs it
  });
});

describe('semantic checks fail on random or zeroed weights', () => {
  it('CLIP, CLIPSeg and the VAE of the test models (random weights) fail when forced to run', async () => {
    const r = await checkModels(nodeHost({ ...parseArgs(['fixtures']), roles: ['clip-vision', 'clip-text', 'clipseg', 'sd-inpaint'] }), { semantic: 'force' });
    expect(line(r, /^clip$/, 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/needs ≥ 1 on both\)$/) });
    expect(line(r, /^clipseg$/, 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/highest-scored pixels lie on the shape \(needs ≥ 60 %; chance 11 %\)$/) });
    expect(line(r, /^sd-inpaint\/vae$/, 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^reconstruction PSNR 1\d\.\d dB \(needs ≥ 20 dB\)$/) });
  }, 120_000);

  it('a VAE whose decoder output conv is zeroed fails PSNR', async () => {
    const root = brokenCopy(SD, (dir) => {
      const file = join(dir, 'vae', 'diffusion_pytorch_model.safetensors');
      const bytes = new Uint8Array(readFileSync(file));
      const n = headerLength(bytes.subarray(0, 8));
      const header = parseHeader(bytes.subarray(0, 8 + n));
      for (const name of ['decoder.conv_out.weight', 'decoder.conv_out.bias']) {
        const t = header.tensors.get(name)!;
        bytes.fill(0, t.offset, t.offset + t.length);
      }
      writeFileSync(file, bytes);
    });
    const r = await check(root, ['sd-inpaint'], 'force');
    expect(line(r, /^sd-inpaint\/vae$/, 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^reconstruction PSNR \d+\.\d dB/) });
    expect(line(r, /^sd-inpaint\/vae_decoder/, 'run').status).toBe('pass'); // finite, just wrong
  }, 120_000);
});
