/**
 * The four SD1.5-inpainting sessions and the tokenizer, on one GpuContext the diffusion worker owns
 * (ORT leaves a device it is given alone, so a lost one can be replaced by a fresh device and fresh
 * sessions). The graphs are built from the official folder (models/build) as the sessions open.
 * What the graphs declare is read once: float types per input and output, whether the text and VAE
 * encoders take a batch, and the VAE encoder's output (`latent_parameters`, 8 channels: mean then
 * log-variance; a test's override may give `latent_sample`, 4).
 */
import { estimate } from '../../models/gpu-memory.ts';
import { buildFromFolder, weightFiles } from '../../models/build/official.ts';
import { MANIFEST, ioNames } from '../../models/manifest.ts';
import type { GpuContext } from '../gpu/context.ts';
import { type Capabilities, assertRunnable, probeCapabilities, variantNeedsF16 } from '../runtime/capabilities.ts';
import type { IoInfo } from '../runtime/feeds.ts';
import type { Residency } from '../runtime/residency.ts';
import { ModelSession } from '../runtime/session.ts';
import { DiffusionError } from './errors.ts';
import { BuildSource, type ModelFiles } from './files.ts';
import { type ClipTokens, loadClipTokenizer } from './tokenizer.ts';

export type SdPart = 'text_encoder' | 'unet' | 'vae_encoder' | 'vae_decoder';
export const SD_PARTS: readonly SdPart[] = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'];
export type SdDtype = 'fp16' | 'fp32';
export type FloatType = 'float32' | 'float16';

export interface SdModelsOptions {
  gpu: GpuContext;
  files: ModelFiles;
  dtype: SdDtype;
  /** Replacement file bytes per part (tests: a small contract UNet). */
  overrides?: Partial<Record<SdPart, Uint8Array>>;
  caps?: Capabilities;
  /** Load under this budget (keys `sd-inpaint/<part>`, sizes from models/gpu-memory.ts); disposal then goes through it. */
  residency?: Residency;
}

const spec = MANIFEST['sd-inpaint'];
const VAE_OUTPUTS = ['latent_sample', 'latent_parameters'];

function floatType(model: string, io: IoInfo | undefined, name: string): FloatType {
  if (!io) throw new DiffusionError('model-files', `${model} has no '${name}'`);
  if (io.type === 'float32' || io.type === 'float16') return io.type;
  throw new DiffusionError('model-files', `${model}: '${name}' is ${io.type}, expected float32 or float16`);
}
const find = (list: readonly IoInfo[], name: string) => list.find((i) => i.name === name);
/** A batch axis the file leaves open (symbolic), or its fixed size. */
const batchOf = (io: IoInfo | undefined): number | null => (io && typeof io.shape[0] === 'number' ? io.shape[0] : null);

export class SdModels {
  readonly placements: Record<SdPart, string>;
  /** Float types of what the pipeline feeds and reads. */
  readonly types: { text: FloatType; sample: FloatType; states: FloatType; eps: FloatType; vaeIn: FloatType; vaeOut: FloatType; latentIn: FloatType; image: FloatType };
  /** Fixed batch of the text / VAE encoders (null: any). */
  readonly textBatch: number | null;
  readonly vaeBatch: number | null;
  readonly vaeOutput: string;
  /** Channels of the VAE encoder output: 4 (latents) or 8 (mean + log-variance; the mean is used). */
  readonly vaeChannels: 4 | 8;

  private constructor(
    readonly sessions: Record<SdPart, ModelSession>,
    readonly tokenizer: ClipTokens,
    readonly dtype: SdDtype,
    private readonly residency?: Residency,
  ) {
    const { text_encoder: text, unet, vae_encoder: enc, vae_decoder: dec } = sessions;
    this.vaeOutput = enc.outputs.map((o) => o.name).find((n) => VAE_OUTPUTS.includes(n)) ?? '';
    if (!this.vaeOutput) throw new DiffusionError('model-files', `${enc.name}: no VAE encoder output (${VAE_OUTPUTS.join(' or ')}); it has ${enc.outputs.map((o) => o.name).join(', ')}`);
    const encOut = find(enc.outputs, this.vaeOutput);
    const channels = encOut?.shape[1];
    this.vaeChannels = channels === 8 || (channels !== 4 && this.vaeOutput === 'latent_parameters') ? 8 : 4;
    this.textBatch = batchOf(find(text.inputs, 'input_ids'));
    this.vaeBatch = batchOf(find(enc.inputs, 'sample'));
    this.types = {
      text: floatType(text.name, find(text.outputs, 'last_hidden_state'), 'last_hidden_state'),
      sample: floatType(unet.name, find(unet.inputs, 'sample'), 'sample'),
      states: floatType(unet.name, find(unet.inputs, 'encoder_hidden_states'), 'encoder_hidden_states'),
      eps: floatType(unet.name, find(unet.outputs, 'out_sample'), 'out_sample'),
      vaeIn: floatType(enc.name, find(enc.inputs, 'sample'), 'sample'),
      vaeOut: floatType(enc.name, encOut, this.vaeOutput),
      latentIn: floatType(dec.name, find(dec.inputs, 'latent_sample'), 'latent_sample'),
      image: floatType(dec.name, find(dec.outputs, 'sample'), 'sample'),
    };
    this.placements = Object.fromEntries(SD_PARTS.map((p) => [p, sessions[p].placement.reason])) as Record<SdPart, string>;
  }

  static async load(o: SdModelsOptions): Promise<SdModels> {
    const caps = o.caps ?? (await probeCapabilities());
    const needsF16 = variantNeedsF16('sd-inpaint', o.dtype);
    // Before any download: an fp16 variant on a device without shader-f16 is refused by name.
    assertRunnable('sd-inpaint', o.dtype, { ...caps, shaderF16: caps.shaderF16 && o.gpu.hasF16 });
    const tokenizer = await loadClipTokenizer(o.files);
    const source = new BuildSource(o.files);
    const opened: Partial<Record<SdPart, ModelSession>> = {};
    try {
      // One at a time: peak memory is one weight file's bytes, and SwiftShader compiles faster alone.
      for (const part of SD_PARTS) {
        const override = o.overrides?.[part];
        const names = ioNames(spec.sessions[part]);
        const create = async () => {
          // The graph is built here from config.json and the safetensors header (milliseconds); its
          // weights are the downloaded file itself, handed to ORT as external data.
          const built = override ? null : await buildFromFolder(source, part, o.dtype).catch((e: unknown) => {
            throw new DiffusionError('model-files', `sd-inpaint/${part}: ${(e as Error).message}`, { cause: e });
          });
          const externalData = built ? await Promise.all(built.data.map(async (d) => ({ path: d.location, data: await source.externalData(d.path) }))) : undefined;
          return ModelSession.create(override ?? built!.model, {
            name: `sd-inpaint/${part} ${o.dtype}${override ? ' (override)' : ''}`,
            ep: 'webgpu',
            gpu: o.gpu,
            caps,
            needsF16: needsF16 && !override,
            // A test's override may name the VAE encoder's output latent_sample; checked in the constructor.
            expect: part === 'vae_encoder' ? { inputs: names.inputs } : names,
            // NCHW for every part: NHWC's Conv is wrong at 9 channels (the UNet) and its layout transform
            // puts shape Gathers on the CPU (the VAE); models/build/placement.browser.spec.ts.
            preferredLayout: 'NCHW',
            externalData,
          });
        };
        // The budget is checked before the file is read; a model that cannot fit is refused by size.
        opened[part] = o.residency ? await o.residency.acquire(`sd-inpaint/${part}`, estimate('sd-inpaint', o.dtype, part).gpuBytes, create) : await create();
        // Peak memory stays at one weight file: drop each file once no later part reads it (the VAE's two graphs share one).
        const later = SD_PARTS.slice(SD_PARTS.indexOf(part) + 1).flatMap((p) => weightFiles(p, o.dtype));
        for (const path of weightFiles(part, o.dtype)) if (!later.includes(path)) source.forget(path);
      }
      return new SdModels(opened as Record<SdPart, ModelSession>, tokenizer, o.dtype, o.residency);
    } catch (e) {
      await disposeAll(Object.values(opened), o.residency);
      throw e;
    } finally {
      source.release();
    }
  }

  async dispose(): Promise<void> {
    await disposeAll(Object.values(this.sessions), this.residency);
  }
}

async function disposeAll(sessions: ModelSession[], residency?: Residency): Promise<void> {
  if (residency) await residency.clear().catch(() => undefined);
  await Promise.all(sessions.map((s) => s.dispose().catch(() => undefined))); // idempotent after clear()
}
