// The semantic checks: real inputs (drawn pictures, tokenised captions) through the opened sessions,
// judged by judges.ts. They need real weights; on test models they are skipped by run.ts.
import { CLIPTokenizer } from '@huggingface/transformers';
import { fromHalf, toHalf } from '../build/numeric.ts';
import type { GraphInfo } from './graph.ts';
import type { OpenedSession, OutputData } from './host.ts';
import { type Verdict, judgeClip, judgeClipSeg, judgeVae } from './judges.ts';
import { type Picture, shapeMask, shapePicture, smoothPicture, toNchw } from './pictures.ts';
import type { FeedData } from './probe.ts';

export interface Opened {
  session: OpenedSession;
  graph: GraphInfo;
}

type Read = (path: string) => Promise<Uint8Array | null>;

const json = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

/** Output values as float32, whatever the output's float type. */
export function floats(o: OutputData): Float32Array {
  if (o.type === 'float32') return o.data as Float32Array;
  if (o.type === 'float16') return Float32Array.from(o.data as Uint16Array, fromHalf);
  throw new Error(`output is ${o.type}, not a float`);
}

/** A float input of the type the session declares. */
function floatFeed(g: GraphInfo, name: string, data: Float32Array, dims: number[]): FeedData {
  const type = g.inputs.find((i) => i.name === name)?.type;
  return type === 'float16' ? { type: 'float16', data: Uint16Array.from(data, toHalf), dims } : { type: 'float32', data, dims };
}

async function tokenizer(read: Read): Promise<CLIPTokenizer> {
  const [tok, config] = await Promise.all([read('tokenizer.json'), read('tokenizer_config.json')]);
  if (!tok) throw new Error('tokenizer.json is missing');
  return new CLIPTokenizer(json(tok), config ? json(config) : {});
}

/** input_ids (and attention_mask where declared) for one caption. */
function textFeeds(g: GraphInfo, tok: CLIPTokenizer, text: string): Record<string, FeedData> {
  const ids = tok.encode(text);
  const dims = [1, ids.length];
  const feeds: Record<string, FeedData> = { input_ids: { type: 'int64', data: BigInt64Array.from(ids, (x) => BigInt(x)), dims } };
  if (g.inputs.some((i) => i.name === 'attention_mask')) feeds.attention_mask = { type: 'int64', data: new BigInt64Array(ids.length).fill(1n), dims };
  return feeds;
}

async function normalisation(read: Read, mean: number[], std: number[]): Promise<{ mean: number[]; std: number[] }> {
  const bytes = await read('preprocessor_config.json');
  const c = bytes ? json(bytes) : {};
  return { mean: (c.image_mean as number[]) ?? mean, std: (c.image_std as number[]) ?? std };
}

/** CLIP's image normalisation (openai/CLIP), used when preprocessor_config.json gives none. */
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
const IMAGENET_MEAN = [0.485, 0.456, 0.406];
const IMAGENET_STD = [0.229, 0.224, 0.225];

export async function clipCheck(vision: Opened, text: Opened, read: Read): Promise<Verdict> {
  const tok = await tokenizer(read);
  const { mean, std } = await normalisation(read, CLIP_MEAN, CLIP_STD);
  const image = async (p: Picture) => floats((await vision.session.run({ pixel_values: floatFeed(vision.graph, 'pixel_values', toNchw(p, mean, std), [1, 3, p.height, p.width]) })).image_embeds);
  const caption = async (t: string) => floats((await text.session.run(textFeeds(text.graph, tok, t))).text_embeds);
  return judgeClip(
    { red: await image(shapePicture('red square', 224)), blue: await image(shapePicture('blue circle', 224)) },
    { red: await caption('a red square'), blue: await caption('a blue circle') },
  );
}

export const CLIPSEG_SIZE = 352;

export async function clipSegCheck(model: Opened, read: Read): Promise<Verdict> {
  const tok = await tokenizer(read);
  const { mean, std } = await normalisation(read, IMAGENET_MEAN, IMAGENET_STD);
  const p = shapePicture('red square', CLIPSEG_SIZE);
  const out = await model.session.run({
    ...textFeeds(model.graph, tok, 'a red square'),
    pixel_values: floatFeed(model.graph, 'pixel_values', toNchw(p, mean, std), [1, 3, p.height, p.width]),
  });
  const logits = floats(out.logits);
  // One map per caption; only the first is read (one caption was given).
  return judgeClipSeg(logits.subarray(0, CLIPSEG_SIZE * CLIPSEG_SIZE), shapeMask('red square', CLIPSEG_SIZE));
}

export const VAE_SIZE = 256;

/** Encoder mean → decoder (the latent unscaled, as the pipeline hands it over), compared with the picture. */
export async function vaeCheck(encoder: Opened, decoder: Opened): Promise<Verdict> {
  const p = smoothPicture(VAE_SIZE);
  const sample = toNchw(p, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]); // [0, 1] → [−1, 1]
  const enc = await encoder.session.run({ sample: floatFeed(encoder.graph, 'sample', sample, [1, 3, VAE_SIZE, VAE_SIZE]) });
  const name = Object.keys(enc).find((k) => k === 'latent_parameters' || k === 'latent_sample')!;
  const params = floats(enc[name]);
  const [, channels, h, w] = enc[name].dims;
  const latent = params.subarray(0, 4 * h * w); // the mean: the first 4 of 8 channels (or all 4)
  if (channels !== 8 && channels !== 4) return { pass: false, detail: `the encoder gives ${channels} channels, not 8 (mean + log-variance) or 4` };
  const dec = await decoder.session.run({ latent_sample: floatFeed(decoder.graph, 'latent_sample', Float32Array.from(latent), [1, 4, h, w]) });
  const out = floats(dec.sample);
  const plane = VAE_SIZE * VAE_SIZE;
  const rgb = new Float32Array(plane * 3);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(1, Math.max(0, out[c * plane + i] / 2 + 0.5));
  return judgeVae(p.rgb, rgb);
}
