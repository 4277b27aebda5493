// Every node of every built SD graph runs on WebGPU: ORT's own placement log, read while the session
// is created, lists no node on the CPU provider (a CPU node inside the UNet would be a GPU → CPU
// sync on every step). The test model has SD1.5's full topology (every block type, op and dtype) at
// tiny width, so its placement is the full-size graph's; `npm run bench:unet -- --full` prints the
// placement of the full-size graph itself.
import { describe, expect, it } from 'vitest';
import type { GraphPart } from './official.ts';
import { sdFixtureGraph } from '../../workers/runtime/test-models.ts';
import { createWithPlacement, parsePlacement } from '../../workers/runtime/placement.ts';
import type { ort } from '../../workers/runtime/ort.ts';

describe('node placement of the built SD graphs on WebGPU', () => {
  it.each(['unet', 'vae_encoder', 'vae_decoder', 'text_encoder'] as GraphPart[])('%s: every node on the WebGPU provider', async (part) => {
    const { model, externalData } = await sdFixtureGraph('fp32', part);
    // NCHW, as the diffusion worker opens every SD part: in the default NHWC layout ORT's layout
    // transform puts Gathers on shape tensors on the CPU (22 in the VAE), and its NHWC Conv is wrong at 9 channels.
    const ep = { name: 'webgpu', preferredLayout: 'NCHW' } as ort.InferenceSession.ExecutionProviderConfig;
    const { session, placement } = await createWithPlacement(model, { executionProviders: [ep], externalData });
    await session.release();
    expect(placement, 'ORT printed no placement').not.toBeNull();
    expect(placement!.cpuNodes).toEqual([]);
    expect(Object.keys(placement!.counts)).toEqual(['WebGpuExecutionProvider']);
    expect(placement!.counts.WebGpuExecutionProvider).toBeGreaterThan(part === 'unet' ? 1000 : 30);
  }, 120_000);

  it('reads a log with CPU nodes', () => {
    const log = [
      '[V:onnxruntime:, session_state.cc:1377 VerifyEachNodeIsAssignedToAnEp] Node placements',
      '[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 2',
      '[V:onnxruntime:, session_state.cc:1382 VerifyEachNodeIsAssignedToAnEp]   Range (range_0)',
      '[V:onnxruntime:, session_state.cc:1382 VerifyEachNodeIsAssignedToAnEp]   Gather (gather_3)',
      '[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [WebGpuExecutionProvider]. Number of nodes: 40',
    ];
    expect(parsePlacement(log)).toEqual({ counts: { CPUExecutionProvider: 2, WebGpuExecutionProvider: 40 }, cpuNodes: ['Range (range_0)', 'Gather (gather_3)'] });
    expect(parsePlacement(['nothing verbose'])).toBeNull();
  });
});
