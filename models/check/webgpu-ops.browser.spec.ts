// OBSERVED in webgpu-ops.ts: ops the package's (JSEP) operator table lacks but this build's native
// WebGPU EP runs. Each gets a one-node session on WebGPU and ORT's own placement log must put it on
// the WebGPU provider. Mod is the control: an op neither list names, which ORT places on the CPU —
// the case the static op check reports as unsupported.
import { describe, expect, it } from 'vitest';
import { createWithPlacement } from '../../workers/runtime/placement.ts';
import { tinyModel, type TinyType } from '../../workers/runtime/tiny-model.ts';
import { OBSERVED, webgpuSupport } from './webgpu-ops.ts';

function oneNode(op: string, inputs: number, type: TinyType = 'float32', ints?: Record<string, number>): Uint8Array {
  const names = Array.from({ length: inputs }, (_, i) => `x${i}`);
  return tinyModel(
    names.map((name) => ({ name, type, dims: [4] })),
    [{ name: 'y', type, dims: [4] }],
    [{ op, inputs: names, outputs: ['y'], ints }],
  );
}

async function placedOn(model: Uint8Array): Promise<Record<string, number>> {
  const { session, placement } = await createWithPlacement(model, { executionProviders: ['webgpu'] });
  await session.release();
  expect(placement, 'ORT printed no placement').not.toBeNull();
  return placement!.counts;
}

const ARITY: Record<string, number> = { Identity: 1, Min: 2, Max: 2 };

describe('WebGPU op support beyond the package table', () => {
  it.each(Object.keys(OBSERVED))('%s is placed on WebGPU', async (op) => {
    expect(webgpuSupport('', op, 17)).toBe('supported');
    // Identity between an input and an output is kept (nothing to fold it into).
    expect(await placedOn(oneNode(op, ARITY[op]))).toEqual({ WebGpuExecutionProvider: 1 });
  }, 60_000);

  it('Mod, in neither list, is placed on the CPU', async () => {
    expect(webgpuSupport('', 'Mod', 17)).toBe('unsupported');
    expect(await placedOn(oneNode('Mod', 2, 'int32', { fmod: 0 }))).toEqual({ CPUExecutionProvider: 1 });
  }, 60_000);
});
