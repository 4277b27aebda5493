// The browser host of Check models with the test models read over HTTP instead of the store: the
// semantic checks — forced on these random weights — run their real pipelines in the browser
// (tokenisers, drawn pictures, the VAE round trip, the Qwen2-VL planner) and fail, as random weights
// must. They run on the wasm provider here: SwiftShader needs minutes for the pictures' convolutions
// (the e2e runs the dialog's check on WebGPU, placement included, where semantics are skipped).
import { describe, expect, it } from 'vitest';
import { judgePlan, PLANNER_QUESTION } from '../../models/check/judges.ts';
import { shapePicture } from '../../models/check/pictures.ts';
import type { CheckLine } from '../../models/check/report.ts';
import { checkModels } from '../../models/check/run.ts';
import { browserHost } from './browser-host.ts';

const profile = { kind: 'fixtures' as const, host: 'https://huggingface.co' };

async function overHttp(id: string, path: string): Promise<File | null> {
  const r = await fetch(`/models/fixtures/${id}/${path}`);
  if (!r.ok || r.headers.get('content-type')?.includes('text/html')) return null;
  return new File([await r.blob()], path.split('/').pop()!);
}

const noWebgpu = { webgpu: false, reason: 'left out by this spec', adapter: null, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
const host = (onLine?: (l: CheckLine) => void) => browserHost(profile, onLine, { caps: noWebgpu, file: overHttp, transformers: { localModelPath: '/models/fixtures/', wasmThreads: 1 } });

describe('Check models in the browser', () => {
  it('runs CLIP, CLIPSeg and the SD checks; the forced semantic checks fail on random weights', async () => {
    const streamed: CheckLine[] = [];
    const h = { ...(await host((l) => streamed.push(l))), roles: ['clip-vision', 'clip-text', 'clipseg', 'sd-inpaint'] as const };
    expect(h.ep).toBe('wasm');
    const r = await checkModels(h, { semantic: 'force' });
    expect(streamed).toEqual(r.lines);
    const get = (subject: string, check: string) => r.lines.find((l) => l.subject === subject && l.check === check)!;
    expect(get('sd-inpaint/unet fp32', 'placement')).toMatchObject({ status: 'skip', detail: 'no WebGPU here (left out by this spec): the sessions ran on the CPU' });
    expect(get('clipseg/model q8', 'run')).toMatchObject({ status: 'pass', detail: expect.stringMatching(/a run on wasm$/) });
    expect(r.environment[0]).toBe('GPU: no WebGPU adapter — left out by this spec');
    expect(get('clip', 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/needs ≥ 1 on both/) });
    expect(get('clipseg', 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/highest-scored pixels lie on the shape/) });
    expect(get('sd-inpaint/vae', 'semantic')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^reconstruction PSNR 1\d\.\d dB/) });
    expect(r.lines.filter((l) => l.status === 'fail').map((l) => `${l.subject} ${l.check}`)).toEqual(['clip semantic', 'clipseg semantic', 'sd-inpaint/vae semantic']);
  }, 240_000);

  it("asks the test planner the fixed question; its random answer is not a plan", async () => {
    const h = await host();
    const answer = await h.planner!(shapePicture('red square', 112), PLANNER_QUESTION);
    expect(typeof answer).toBe('string');
    expect(judgePlan(answer).pass).toBe(false);
  }, 300_000);
});
