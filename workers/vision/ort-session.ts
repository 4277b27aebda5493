// The one module of the vision worker that runs onnxruntime-web itself, for the two graphs that are
// not transformers.js models: the region head and the patch projection cut out of CLIP. ORT comes
// from workers/runtime/ort.ts, the app's one import point (the same module transformers.js uses).
import { ort } from '../runtime/ort.ts';

export type Feed = { type: 'float32'; data: Float32Array; dims: number[] } | { type: 'int64'; data: BigInt64Array; dims: number[] };
export interface Output {
  data: Float32Array;
  dims: number[];
}

export class OrtSession {
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly device: 'webgpu' | 'wasm',
  ) {}

  /** Creates the session; throws if it does not declare exactly the expected input / output names. */
  static async create(bytes: Uint8Array, device: 'webgpu' | 'wasm', expect?: { inputs: string[]; outputs: string[] }): Promise<OrtSession> {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: [device] });
    if (expect) {
      const same = (a: readonly string[], b: string[]) => [...a].sort().join() === [...b].sort().join();
      if (!same(session.inputNames, expect.inputs) || !same(session.outputNames, expect.outputs)) {
        await session.release();
        throw new Error(`model declares ${session.inputNames.join(', ')} → ${session.outputNames.join(', ')}; expected ${expect.inputs.join(', ')} → ${expect.outputs.join(', ')}`);
      }
    }
    return new OrtSession(session, device);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** Runs one at a time (ORT refuses concurrent runs on a session); float outputs come back on the CPU. */
  run(feeds: Record<string, Feed>): Promise<Record<string, Output>> {
    const next = this.#chain.catch(() => {}).then(async () => {
      const tensors = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)]));
      const out = await this.session.run(tensors);
      const result: Record<string, Output> = {};
      for (const [k, t] of Object.entries(out)) {
        const data = (t.location === 'cpu' ? t.data : await t.getData(true)) as Float32Array;
        result[k] = { data, dims: [...t.dims] };
      }
      return result;
    });
    this.#chain = next;
    return next;
  }

  async release(): Promise<void> {
    await this.#chain.catch(() => {});
    await this.session.release();
  }
}
