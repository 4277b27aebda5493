// Long prompts on the fixture text encoder (WebGPU): k = 1, 2, 4 chunks give states [2, 77·k, width]
// whose every chunk equals that chunk encoded alone; the fixed-batch path (one chunk per run) gives
// the same bytes; nothing is read back while encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GpuContext } from '../gpu/context.ts';
import { expectClose, readF32 } from '../kernels/testing.ts';
import { readFloat32 } from '../runtime/feeds.ts';
import { ModelSession } from '../runtime/session.ts';
import { SD_FIXTURE_FOLDER, sdFixtureGraph } from '../runtime/test-models.ts';
import { SD_FIXTURE_TEXT } from '../../scripts/fixtures/specs/sd-inpaint.ts';
import { folderFiles } from './files.ts';
import { CLIP_CONTEXT, promptPair } from './prompt.ts';
import { BufferScope } from './scope.ts';
import { type TextModel, encodePrompts } from './text.ts';
import { type ClipTokens, loadClipTokenizer } from './tokenizer.ts';

const words = (n: number) => Array.from({ length: n }, (_, i) => ['red', 'dog', 'blue', 'sky', 'cat', 'photo'][i % 6]).join(' ');

describe('prompt chunks through the text encoder', () => {
  let gpu: GpuContext;
  let session: ModelSession;
  let tokens: ClipTokens;

  beforeAll(async () => {
    gpu = await GpuContext.create({ label: 'text spec' });
    const { model, externalData } = await sdFixtureGraph('fp32', 'text_encoder');
    session = await ModelSession.create(model, { gpu, ep: 'webgpu', name: 'text_encoder', externalData });
    tokens = await loadClipTokenizer(folderFiles(SD_FIXTURE_FOLDER));
  });
  afterAll(async () => {
    await session?.dispose();
    gpu?.destroy();
  });

  it.each([
    [1, 20, 3],
    [2, 140, 30],
    [4, 290, 5],
  ])('k = %i: [2, 77·k, width], each chunk as if encoded alone', async (k, nCond, nUncond) => {
    const pair = promptPair(tokens.encode(words(nCond)), tokens.encode(words(nUncond)), 4, tokens.special);
    expect(pair.tokens.cond).toBe(nCond); // one token per fixture word
    expect(pair.chunks).toBe(k);
    const model: TextModel = { session, batch: null, states: 'float32' };
    const scope = new BufferScope(gpu);
    const before = gpu.readbacks;
    const text = await encodePrompts(model, scope, pair);
    expect(gpu.readbacks).toBe(before);
    expect(text.states.location).toBe('gpu-buffer');
    expect(text.states.dims).toEqual([2, 77 * k, SD_FIXTURE_TEXT]);
    const row = CLIP_CONTEXT * SD_FIXTURE_TEXT;
    const states = await readF32(gpu, text.states.gpuBuffer, 2 * k * row);
    // Row 0 is the negative prompt, row 1 the prompt; chunk c of a row sits at c·77 positions.
    for (const [r, c] of [[0, 0], [1, k - 1]]) {
      const ids = r === 0 ? pair.uncond : pair.cond;
      const alone = (await session.run({ input_ids: { data: ids.subarray(c * CLIP_CONTEXT, (c + 1) * CLIP_CONTEXT), dims: [1, CLIP_CONTEXT] } })).last_hidden_state;
      const want = await readFloat32(alone);
      alone.dispose();
      expectClose(states.subarray((r * k + c) * row, (r * k + c + 1) * row), want, 1e-5, 1e-5);
    }
    // Chunks differ (the comparison above is not vacuous).
    if (k > 1) expect(Math.max(...states.subarray(0, row).map((v, i) => Math.abs(v - states[row + i])))).toBeGreaterThan(1e-3);
    if (k === 2) {
      // One chunk per run (a file with a fixed batch of 1) gives the same states.
      const single = await encodePrompts({ ...model, batch: 1 }, scope, pair);
      expectClose(await readF32(gpu, single.states.gpuBuffer, 2 * k * row), states, 1e-5, 1e-5);
      single.dispose();
    }
    text.dispose();
    scope.releaseAll();
  });
});
