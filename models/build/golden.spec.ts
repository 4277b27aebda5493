// Graphs built from the official-layout folders in ../shared/golden/ reproduce the outputs that
// diffusers' UNet2DConditionModel / AutoencoderKL and openai/CLIP's model code computed from the same
// weights (fp32 compute, tolerance 1e-4 of each output's scale). Every folder there is run, so a
// configuration the builder has not seen is checked the same way. onnxruntime-web's wasm provider
// runs them here; golden.browser.spec.ts runs them on WebGPU.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { GOLDEN_FILES, GOLDEN_ROOT, goldenCases, scaledError, type GoldenCase } from './golden.ts';
import { nodeFolder } from './node-folder.ts';
import { buildFromFolder } from './official.ts';

const folders = existsSync(GOLDEN_ROOT) ? readdirSync(GOLDEN_ROOT).filter((d) => GOLDEN_FILES.some((f) => existsSync(join(GOLDEN_ROOT, d, f)))) : [];

function casesOf(dir: string): GoldenCase[] {
  return GOLDEN_FILES.filter((f) => existsSync(join(dir, f))).flatMap((f) => goldenCases(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
}

function feeds(c: GoldenCase, batch: number): Record<string, ort.Tensor> {
  return Object.fromEntries(
    Object.entries(c.inputs).map(([name, v]) => {
      if (typeof v === 'number') return [name, new ort.Tensor('float32', new Float32Array(batch).fill(v), [batch])];
      if (name === 'input_ids') return [name, new ort.Tensor('int64', BigInt64Array.from(v.data, (x) => BigInt(x)), v.shape)];
      return [name, new ort.Tensor('float32', Float32Array.from(v.data), v.shape)];
    }),
  );
}

describe('graphs built from the official folders match the reference code', () => {
  it('finds the golden folders beside the repository (../shared/golden)', () => {
    expect(folders.length, `no golden folder under ${GOLDEN_ROOT}`).toBeGreaterThan(0);
  });

  for (const name of folders) {
    const dir = join(GOLDEN_ROOT, name);
    for (const c of casesOf(dir)) {
      it(`${name}: ${c.name}`, async () => {
        ort.env.wasm.numThreads = 1;
        const built = await buildFromFolder(nodeFolder(dir), c.part, 'fp32');
        expect(built.unused).toEqual([]);
        const externalData = built.data.map((d) => ({ path: d.location, data: new Uint8Array(readFileSync(join(dir, d.path))) }));
        const session = await ort.InferenceSession.create(built.model, { executionProviders: ['wasm'], externalData });
        try {
          const firstFloat = Object.values(c.inputs).find((v) => typeof v !== 'number');
          const out = await session.run(feeds(c, firstFloat ? firstFloat.shape[0] : 1));
          for (const [key, want] of Object.entries(c.outputs)) {
            const got = out[key];
            expect(got, `${key} is an output`).toBeDefined();
            expect([...got.dims]).toEqual(want.shape);
            expect(scaledError(got.data as Float32Array, want.data), key).toBeLessThan(1e-4);
          }
        } finally {
          await session.release();
        }
      });
    }
  }
});
