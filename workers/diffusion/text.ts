/**
 * Prompt → UNet conditioning on the GPU: tokenise, chunk (LLMGA), encode every 77-id chunk of both
 * CFG rows with the text encoder, and present its output [2k, 77, 768] as [2, 77·k, 768] — the
 * same bytes, since the chunks of a row are consecutive. Stays on the GPU (no readback).
 */
import { Batch } from '../kernels/kernel.ts';
import { ort } from '../runtime/ort.ts';
import { f32Buffer, feedTensor } from './gpu-tensors.ts';
import type { ModelSession } from '../runtime/session.ts';
import type { FloatType, SdModels } from './models.ts';
import { CLIP_CONTEXT, type PromptPair, promptPair } from './prompt.ts';
import type { BufferScope } from './scope.ts';

export interface TextStates {
  /** [2, 77·k, width] on the GPU, in the UNet's float type; rows [negative, prompt]. */
  states: ort.Tensor;
  pair: PromptPair;
  /** Text width (768 for SD1.5). */
  width: number;
  dispose(): void;
}

/** What encoding needs of the text encoder: the session, its fixed batch (null: any), the UNet's float type for the states. */
export interface TextModel {
  session: ModelSession;
  batch: number | null;
  states: FloatType;
}

export const textModel = (m: SdModels): TextModel => ({ session: m.sessions.text_encoder, batch: m.textBatch, states: m.types.states });

/** Tokenises both prompts into one k (cap `maxChunks`). */
export function tokenisePrompts(models: SdModels, prompt: string, negative: string, maxChunks: number): PromptPair {
  const t = models.tokenizer;
  return promptPair(t.encode(prompt), t.encode(negative), maxChunks, t.special);
}

export async function encodePrompts(model: TextModel, scope: BufferScope, pair: PromptPair): Promise<TextStates> {
  const session = model.session;
  const rows = 2 * pair.chunks;
  const ids = new Int32Array(rows * CLIP_CONTEXT);
  ids.set(pair.uncond, 0);
  ids.set(pair.cond, pair.uncond.length);
  const owned: ort.Tensor[] = [];
  const run = async (from: number, n: number) => {
    const out = await session.run({ input_ids: { data: ids.subarray(from * CLIP_CONTEXT, (from + n) * CLIP_CONTEXT), dims: [n, CLIP_CONTEXT] } });
    for (const [name, t] of Object.entries(out)) if (name !== 'last_hidden_state') t.dispose();
    owned.push(out.last_hidden_state);
    return out.last_hidden_state;
  };
  try {
    const fixed = model.batch;
    const gpu = scope.gpu;
    let buffer: GPUBuffer;
    let width: number;
    const batch = new Batch(gpu, 'text states');
    if (fixed === null || fixed === rows) {
      const out = await run(0, rows);
      width = out.dims[2];
      buffer = f32Buffer(batch, scope, out, 'text states');
    } else {
      if (fixed !== 1) throw new Error(`${session.name}: a fixed batch of ${fixed} cannot encode ${rows} chunks`);
      // One chunk per run, each copied to its place in one buffer.
      const outs: ort.Tensor[] = [];
      for (let r = 0; r < rows; r++) outs.push(await run(r, 1));
      width = outs[0].dims[2];
      const rowValues = CLIP_CONTEXT * width;
      buffer = scope.acquire(rows * rowValues * 4, 'text states');
      outs.forEach((t, r) => {
        const f32 = f32Buffer(batch, scope, t, `text chunk ${r}`);
        batch.copy(f32, buffer, rowValues * 4, 0, r * rowValues * 4);
      });
    }
    const dims = [2, pair.chunks * CLIP_CONTEXT, width];
    const states = feedTensor(batch, scope, buffer, dims, model.states, 'text states');
    batch.submit();
    return { states, pair, width, dispose: () => owned.splice(0).forEach((t) => t.dispose()) };
  } catch (e) {
    owned.forEach((t) => t.dispose());
    throw e;
  }
}
