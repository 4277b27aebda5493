// Graphs from an official model folder (diffusers / transformers layout: `<part>/config.json` +
// `<part>/*.safetensors`). Only config.json and each safetensors header are read: the graph refers
// to the weight bytes where they lie (ONNX external data, location = the safetensors file's name),
// so building takes milliseconds and no second copy of the weights is written. The same function
// serves `npm run models:build` (Node) and the diffusion worker (browser).
import { type Ctx, context } from './blocks.ts';
import { buildClipText, buildClipVision } from './clip.ts';
import { clipTextFromConfig, clipVisionFromConfig, unetFromConfig, vaeFromConfig } from './configs.ts';
import { type FloatType, Graph, type WeightSource } from './onnx-builder.ts';
import { type SafeFile, safetensorsParams, vaeAttentionAliases } from './params.ts';
import { type SafeHeader, headerLength, parseHeader } from './safetensors.ts';
import { buildUnet } from './unet.ts';
import { buildVaeDecoder, buildVaeEncoder } from './vae.ts';

export type GraphPart = 'unet' | 'vae_encoder' | 'vae_decoder' | 'text_encoder' | 'clip_vision';
export const GRAPH_PARTS: readonly GraphPart[] = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder', 'clip_vision'];
export type GraphDtype = 'fp16' | 'fp32';

/** What the builder needs from a folder: whole small files, and the first bytes of a large one. */
export interface FolderReader {
  where: string;
  /** A file's bytes, or null when the folder has no such file. */
  read(path: string): Promise<Uint8Array | null>;
  /** Bytes [start, end) of a file (a Range request, a Blob slice, a file read). */
  readRange(path: string, start: number, end: number): Promise<Uint8Array>;
  size?(path: string): Promise<number | null>;
}

interface PartSource {
  /** Folder inside the model folder. */
  dir: string;
  /** Weight file stems in the order tried (`<stem>.fp16.safetensors`, `<stem>.safetensors`). */
  stem: string;
}

const SOURCES: Record<GraphPart, PartSource> = {
  unet: { dir: 'unet', stem: 'diffusion_pytorch_model' },
  vae_encoder: { dir: 'vae', stem: 'diffusion_pytorch_model' },
  vae_decoder: { dir: 'vae', stem: 'diffusion_pytorch_model' },
  text_encoder: { dir: 'text_encoder', stem: 'model' },
  clip_vision: { dir: 'clip_vision', stem: 'model' },
};

/**
 * The weight file names a part may have, the graph's own dtype first (no cast inside the graph).
 * The other file is a fallback for small models only: at SD's full size an fp32 graph over the fp16
 * file fails in onnxruntime-web (the fp32 copy made at load and the file pass the 4 GB wasm heap).
 */
export function weightFiles(part: GraphPart, dtype: GraphDtype): string[] {
  const { dir, stem } = SOURCES[part];
  const names = [`${stem}.fp16.safetensors`, `${stem}.safetensors`];
  return (dtype === 'fp16' ? names : names.reverse()).map((n) => `${dir}/${n}`);
}

/** fp16 files above this are not cast to fp32 in a graph (measured: SD's 1.72 GB UNet fails to load that way). */
export const CAST_LIMIT = 1e9;

export class BuildError extends Error {
  override name = 'BuildError';
}

export interface BuiltGraph {
  part: GraphPart;
  dtype: GraphDtype;
  /** The ONNX protobuf (graph and small constants; weights are external). */
  model: Uint8Array;
  /** External data the model refers to: `location` as written in the model, `path` in the source folder. */
  data: { location: string; path: string; bytes: number }[];
  /** The folder's config values the pipeline needs (e.g. the VAE's scaling factor). */
  meta: Record<string, number>;
  /** Tensors in the weight file the graph does not read (a sign of a config that does not match). */
  unused: string[];
}

async function json(reader: FolderReader, path: string): Promise<Record<string, unknown>> {
  const bytes = await reader.read(path);
  if (!bytes) throw new BuildError(`${reader.where}: ${path} is missing`);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch (e) {
    throw new BuildError(`${reader.where}: ${path} is not JSON (${(e as Error).message})`, { cause: e });
  }
}

/** The safetensors header of a file, read by range (8 bytes, then the header): never the weights. */
export async function readHeader(reader: FolderReader, path: string): Promise<SafeHeader> {
  const n = headerLength(await reader.readRange(path, 0, 8), path);
  const head = await reader.readRange(path, 0, 8 + n);
  return parseHeader(head, path, (await reader.size?.(path)) ?? undefined);
}

async function findWeights(reader: FolderReader, part: GraphPart, dtype: GraphDtype): Promise<{ path: string; header: SafeHeader; size: number }> {
  for (const path of weightFiles(part, dtype)) {
    const size = (await reader.size?.(path)) ?? null;
    if (size === null && reader.size) continue;
    try {
      const header = await readHeader(reader, path);
      const end = Math.max(header.dataStart, ...[...header.tensors.values()].map((t) => t.offset + t.length));
      return { path, header, size: size ?? end };
    } catch (e) {
      if (reader.size) throw e; // the file exists: a broken header is an error, not a missing file
    }
  }
  throw new BuildError(`${reader.where}: no weights for ${part} (looked for ${weightFiles(part, dtype).join(', ')})`);
}

/** The VAE graphs read `encoder.*` or `decoder.*` (plus their quant convs); the rest of the file is the other half. */
const USES: Partial<Record<GraphPart, (name: string) => boolean>> = {
  vae_encoder: (n) => n.startsWith('encoder.') || n.startsWith('quant_conv.'),
  vae_decoder: (n) => n.startsWith('decoder.') || n.startsWith('post_quant_conv.'),
  clip_vision: (n) => n.startsWith('vision_model.') || n.startsWith('visual_projection.'),
};

const NO_RANDOM: WeightSource = {
  weight(name) {
    throw new BuildError(`${name}: an official graph reads every weight from its file`);
  },
};

/** Builds one part's graph from an official folder. */
export async function buildFromFolder(reader: FolderReader, part: GraphPart, dtype: GraphDtype): Promise<BuiltGraph> {
  const { dir } = SOURCES[part];
  const config = await json(reader, `${dir}/config.json`);
  const weights = await findWeights(reader, part, dtype);
  if (dtype === 'fp32' && weights.path.endsWith('.fp16.safetensors') && weights.size > CAST_LIMIT) {
    throw new BuildError(
      `${reader.where}: ${part} needs its fp32 weights (${weightFiles(part, 'fp32')[0]}) on this device; an fp32 graph over the ${(weights.size / 1e9).toFixed(2)} GB fp16 file does not fit the browser's 4 GB model memory`,
    );
  }
  const location = weights.path.split('/').pop()!;
  const compute: FloatType = dtype === 'fp16' ? 'float16' : 'float32';
  const g = new Graph(part, { weights: NO_RANDOM, format: dtype, compute, doc: `${part} built by instruct-edit from ${reader.where}/${weights.path}` });
  const file: SafeFile = { location, header: weights.header };
  const params = safetensorsParams(g, [file], part.startsWith('vae') ? vaeAttentionAliases : undefined);
  const ctx: Ctx = context(g, params);
  const meta: Record<string, number> = {};
  switch (part) {
    case 'unet':
      buildUnet(ctx, unetFromConfig(config));
      break;
    case 'vae_encoder':
    case 'vae_decoder': {
      const vae = vaeFromConfig(config);
      meta.scalingFactor = vae.scalingFactor;
      (part === 'vae_encoder' ? buildVaeEncoder : buildVaeDecoder)(ctx, vae);
      break;
    }
    case 'text_encoder': {
      const text = clipTextFromConfig(config);
      meta.positions = text.positions;
      meta.hidden = text.hidden;
      buildClipText(ctx, text);
      break;
    }
    case 'clip_vision':
      buildClipVision(ctx, clipVisionFromConfig(config));
      break;
  }
  const uses = USES[part] ?? (() => true);
  return {
    part,
    dtype,
    model: g.toModel(),
    data: [{ location, path: weights.path, bytes: weights.size }],
    meta,
    unused: params.unused().filter(uses),
  };
}
