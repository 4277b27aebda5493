// The golden check on WebGPU: graphs built in the browser (models/build over Range requests, as the
// diffusion worker builds them) from each golden folder, run by onnxruntime-web's WebGPU provider,
// reproduce what diffusers' and openai/CLIP's code computed (fp32, 1e-4 of each output's scale).
// The global setup serves ../shared/golden/<name>/ at /models/fixtures/golden/<name>/.
import * as ort from 'onnxruntime-web/webgpu';
import { describe, expect, inject, it } from 'vitest';
import { BuildSource, folderFiles } from '../../workers/diffusion/files.ts';
import { GOLDEN_FILES, goldenCases, scaledError, type GoldenCase } from './golden.ts';
import { buildFromFolder } from './official.ts';

const folders = inject('goldenFolders');

async function casesOf(base: string): Promise<GoldenCase[]> {
  const lists = await Promise.all(
    GOLDEN_FILES.map(async (f) => {
      const r = await fetch(`${base}${f}`);
      return r.ok && !r.headers.get('content-type')?.includes('text/html') ? goldenCases(await r.json()) : [];
    }),
  );
  return lists.flat();
}

function feeds(c: GoldenCase): Record<string, ort.Tensor> {
  const first = Object.values(c.inputs).find((v) => typeof v !== 'number');
  const batch = first && typeof first !== 'number' ? first.shape[0] : 1;
  return Object.fromEntries(
    Object.entries(c.inputs).map(([name, v]) => {
      if (typeof v === 'number') return [name, new ort.Tensor('float32', new Float32Array(batch).fill(v), [batch])];
      if (name === 'input_ids') return [name, new ort.Tensor('int32', Int32Array.from(v.data), v.shape)];
      return [name, new ort.Tensor('float32', Float32Array.from(v.data), v.shape)];
    }),
  );
}

describe('graphs built in the browser match the reference code on WebGPU', () => {
  it('has golden folders to check', () => {
    expect(folders.length, 'no golden folder was served: is ../shared/golden there?').toBeGreaterThan(0);
  });

  const PARTS = ['unet', 'vae_encoder', 'vae_decoder', 'text_encoder', 'clip_vision'] as const;
  for (const name of folders) {
    const base = `/models/fixtures/golden/${name}/`;
    const source = new BuildSource(folderFiles(base));
    // One test and one session per part (the UNet's two timesteps share one): session creation
    // dominates on SwiftShader, and a busy 2-core machine needs minutes for the UNet.
    for (const part of PARTS) {
      it(`${name}: ${part}`, async (ctx) => {
        const cases = (await casesOf(base)).filter((c) => c.part === part);
        if (!cases.length) ctx.skip(`${name} has no ${part} case`);
        const built = await buildFromFolder(source, part, 'fp32');
        const externalData = built.data.map((d) => ({ path: d.location, data: `${base}${d.path}` }));
        // NCHW, as the app opens every SD part (ORT 1.31-dev's NHWC Conv is wrong at 9 input channels, models/ort-webgpu-conv.browser.spec.ts).
        const ep = { name: 'webgpu', preferredLayout: 'NCHW' } as ort.InferenceSession.ExecutionProviderConfig;
        const session = await ort.InferenceSession.create(built.model, { executionProviders: [ep], externalData });
        try {
          for (const c of cases) {
            const out = await session.run(feeds(c));
            for (const [key, want] of Object.entries(c.outputs)) {
              expect(out[key], `${c.name}: ${key}`).toBeDefined();
              expect([...out[key].dims], `${c.name}: ${key}`).toEqual(want.shape);
              expect(scaledError((await out[key].getData()) as Float32Array, want.data), `${c.name}: ${key}`).toBeLessThan(1e-4);
            }
          }
        } finally {
          await session.release();
        }
      }, 600_000);
    }
  }
});
