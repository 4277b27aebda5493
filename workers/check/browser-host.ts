// Check models in the browser: files come from the model store (OPFS) of the chosen profile, every
// session opens on WebGPU (wasm only where there is no WebGPU) with ORT's verbose log captured, so
// the report says where each node actually runs; the planner check asks the Qwen2-VL planner the
// language worker uses (workers/language/planner.ts), loaded here for that one question.
import type { FolderReader } from '../../models/build/official.ts';
import { MANIFEST, type Role } from '../../models/manifest.ts';
import type { CheckHost, OpenedSession } from '../../models/check/host.ts';
import type { Picture } from '../../models/check/pictures.ts';
import type { FeedData } from '../../models/check/probe.ts';
import { placementVerdict } from '../../models/check/placement.ts';
import { modelEntries } from '../../src/lib/models/catalog.ts';
import { catalogCaps, PROFILE_LABELS, profileSource, storeDir, type ModelProfile } from '../../src/lib/models/profile.ts';
import { ModelStore } from '../../src/lib/models/store.ts';
import type { ModelRef } from '../../src/lib/models/types.ts';
import { Planner } from '../language/planner.ts';
import { type Capabilities, describeGpu, probeCapabilities } from '../runtime/capabilities.ts';
import { ort } from '../runtime/ort.ts';
import { createWithPlacement } from '../runtime/placement.ts';
import { configureTransformers, type ModelSourceConfig } from '../vision/transformers-env.ts';

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

function storeFolder(read: (path: string) => Promise<File | null>, where: string): FolderReader {
  return {
    where,
    read: async (path) => {
      const f = await read(path);
      return f ? new Uint8Array(await f.arrayBuffer()) : null;
    },
    size: async (path) => (await read(path))?.size ?? null,
    async readRange(path, start, end) {
      const f = await read(path);
      if (!f) throw new Error(`${where}/${path} is missing`);
      return new Uint8Array(await f.slice(start, end).arrayBuffer());
    },
  };
}

const tensor = (f: FeedData) => new ort.Tensor(f.type, f.data as never, f.dims);

export interface BrowserHostOptions {
  caps?: Capabilities;
  /** Where files come from (default: the profile's model store); null when absent. */
  file?: (id: string, path: string) => Promise<File | null>;
  /** How transformers.js finds the planner's files (default: the profile's model store). */
  transformers?: ModelSourceConfig;
}

/** A stored model file of the profile's store, by repository id and path. */
async function storeFiles(profile: ModelProfile): Promise<(id: string, path: string) => Promise<File | null>> {
  const store = await ModelStore.openIn(storeDir(profile));
  const refs = new Map<string, ModelRef>();
  for (const e of modelEntries(Object.keys(MANIFEST) as Role[], [{ shaderF16: false }, { shaderF16: true }])) refs.set(e.ref.id, e.ref);
  return async (id, path) => {
    const ref = refs.get(id);
    return ref ? store.file(ref, path) : null;
  };
}

export async function browserHost(profile: ModelProfile, onLine?: CheckHost['onLine'], options: BrowserHostOptions = {}): Promise<CheckHost> {
  const c = options.caps ?? (await probeCapabilities());
  const file = options.file ?? (await storeFiles(profile));
  const webgpu = c.webgpu;
  return {
    ep: webgpu ? 'webgpu' : 'wasm',
    source: PROFILE_LABELS[profile.kind] + (profile.kind === 'hub' ? ` (${profile.host})` : ''),
    testModels: profile.kind === 'fixtures',
    environment: [
      `GPU: ${describeGpu(c)}${c.webgpu ? `; shader-f16 ${c.shaderF16 ? 'yes' : 'no'}; max buffer ${mb(c.maxBufferSize)}, max storage binding ${mb(c.maxStorageBufferBindingSize)}` : ` — ${c.reason}`}`,
      `onnxruntime-web ${ort.env.versions.web}, ${webgpu ? 'WebGPU' : 'wasm (CPU)'} execution provider`,
      `browser: ${globalThis.navigator?.userAgent ?? 'unknown'}`,
    ],
    caps: catalogCaps(profile, { shaderF16: c.shaderF16 }),
    size: async (id, path) => (await file(id, path))?.size ?? null,
    read: async (id, path) => {
      const f = await file(id, path);
      return f ? new Uint8Array(await f.arrayBuffer()) : null;
    },
    folder: (id) => storeFolder((path) => file(id, path), id),
    async open(name, model, externalData): Promise<OpenedSession> {
      // As the app opens them: SD's parts in NCHW (the diffusion worker), the rest in ORT's default layout.
      const provider = webgpu ? ({ name: 'webgpu', ...(name.startsWith('sd-inpaint/') ? { preferredLayout: 'NCHW' } : {}) } as ort.InferenceSession.ExecutionProviderConfig) : 'wasm';
      const { session, placement } = await createWithPlacement(model, { executionProviders: [provider], externalData });
      return {
        placement: webgpu ? placementVerdict(placement) : null,
        run: async (feeds) => {
          const out = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, tensor(f)])));
          return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, data: t.data, dims: t.dims }]));
        },
        dispose: () => session.release(),
      };
    },
    placementNote: `no WebGPU here (${c.reason}): the sessions ran on the CPU`,
    async planner(picture: Picture, question: string): Promise<string> {
      await configureTransformers(options.transformers ?? { store: { source: profileSource(profile), dir: storeDir(profile) } });
      const planner = new Planner({ device: webgpu ? 'webgpu' : 'wasm', maxNewTokens: { plan: 128 } });
      try {
        const data = new Uint8ClampedArray(picture.width * picture.height * 4);
        for (let i = 0; i < picture.width * picture.height; i++) {
          for (let k = 0; k < 3; k++) data[i * 4 + k] = Math.round(picture.rgb[i * 3 + k] * 255);
          data[i * 4 + 3] = 255;
        }
        return (await planner.plan({ data, width: picture.width, height: picture.height }, question)).answer;
      } finally {
        await planner.release();
      }
    },
    onLine,
  };
}
