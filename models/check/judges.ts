// The semantic checks' verdicts, as pure functions of what the models returned, so each can be shown
// to fail on what a broken model returns (judges.spec.ts). Bounds and why:
//
// - CLIP: CLIP ranks captions by 100 · cosine (its logit scale). For a flat red square vs a blue
//   circle the right caption must win on BOTH pictures by at least 1 logit (softmax 0.73 of two). A
//   model with random or shuffled weights has no reason to prefer the right caption on both.
// - CLIPSeg: the pixels it scores highest, as many as the shape has, must fall at least 60 % inside
//   the shape (chance is the shape's share of the picture, 1/9 for the square).
// - VAE: reconstruction PSNR ≥ 20 dB. SD1.5's VAE (the original kl-f8) reconstructs COCO photos at
//   about 23.4 ± 3.8 dB (the stabilityai/sd-vae-ft-mse model card's table); the test picture is
//   smoother than a photo, so a working VAE lands above the photo mean, while 20 dB (mean error ≈ 10 %
//   of the range) is where a zeroed or random decoder cannot reach (the test model's random VAE gives 13.9 dB, checks.spec.ts).
// - Planner: the answer must carry the model's own <kind>local</kind> and a <target> naming the
//   square — parsePlan would otherwise fill the plan from the instruction's words, hiding a model
//   that answers nonsense.
import { readTags } from '../../workers/language/parse.ts';

export interface Verdict {
  pass: boolean;
  detail: string;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
export const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));

export const CLIP_LOGIT_SCALE = 100;
export const CLIP_MARGIN = 1;

/** `images.red` / `images.blue`: image embeddings of the red-square and blue-circle pictures; `texts` likewise for the captions. */
export function judgeClip(images: { red: ArrayLike<number>; blue: ArrayLike<number> }, texts: { red: ArrayLike<number>; blue: ArrayLike<number> }): Verdict {
  const margin = (img: ArrayLike<number>, right: ArrayLike<number>, wrong: ArrayLike<number>) => CLIP_LOGIT_SCALE * (cosine(img, right) - cosine(img, wrong));
  const red = margin(images.red, texts.red, texts.blue);
  const blue = margin(images.blue, texts.blue, texts.red);
  if (![red, blue].every(Number.isFinite)) return { pass: false, detail: 'the embeddings are not finite' };
  const pass = red >= CLIP_MARGIN && blue >= CLIP_MARGIN;
  return {
    pass,
    detail: `"a red square" over "a blue circle" on the red square by ${red.toFixed(2)} logits, the reverse on the blue circle by ${blue.toFixed(2)} (needs ≥ ${CLIP_MARGIN} on both)`,
  };
}

export const CLIPSEG_INSIDE = 0.6;

/** `logits`: one map (row-major, the mask's size); `mask`: the shape's pixels. */
export function judgeClipSeg(logits: ArrayLike<number>, mask: Uint8Array): Verdict {
  if (logits.length !== mask.length) return { pass: false, detail: `the map has ${logits.length} values, the picture ${mask.length}` };
  let area = 0;
  for (let i = 0; i < mask.length; i++) area += mask[i];
  const order = Array.from({ length: logits.length }, (_, i) => i).filter((i) => Number.isFinite(logits[i]));
  if (order.length < logits.length) return { pass: false, detail: `${logits.length - order.length} values of the map are not finite` };
  order.sort((a, b) => logits[b] - logits[a]);
  let inside = 0;
  for (let k = 0; k < area; k++) inside += mask[order[k]];
  const share = inside / area;
  return {
    pass: share >= CLIPSEG_INSIDE,
    detail: `${(share * 100).toFixed(0)} % of the ${area} highest-scored pixels lie on the shape (needs ≥ ${CLIPSEG_INSIDE * 100} %; chance ${((area / mask.length) * 100).toFixed(0)} %)`,
  };
}

/** PSNR in dB of two pictures with values in [0, 1]. */
export function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10(1 / mse);
}

export const VAE_MIN_PSNR = 20;

export function judgeVae(original: ArrayLike<number>, reconstructed: ArrayLike<number>): Verdict {
  if (original.length !== reconstructed.length) return { pass: false, detail: `the reconstruction has ${reconstructed.length} values, the picture ${original.length}` };
  for (let i = 0; i < reconstructed.length; i++) if (!Number.isFinite(reconstructed[i])) return { pass: false, detail: 'the reconstruction is not finite' };
  const db = psnr(original, reconstructed);
  return { pass: db >= VAE_MIN_PSNR, detail: `reconstruction PSNR ${db.toFixed(1)} dB (needs ≥ ${VAE_MIN_PSNR} dB)` };
}

/** The fixed question the planner is asked, on the red-square picture. */
export const PLANNER_QUESTION = 'replace the red square with a green circle';

export function judgePlan(answer: string): Verdict {
  const { fields } = readTags(answer);
  const kind = fields.kind?.trim().toLowerCase();
  const target = fields.target?.trim() ?? '';
  const quoted = JSON.stringify(answer.length > 160 ? `${answer.slice(0, 160)}…` : answer);
  if (!kind) return { pass: false, detail: `the answer has no <kind> tag: ${quoted}` };
  if (kind !== 'local') return { pass: false, detail: `<kind> is "${kind}", expected "local" for "${PLANNER_QUESTION}"` };
  if (!/square/i.test(target)) return { pass: false, detail: `<target> "${target}" does not name the square` };
  return { pass: true, detail: `a local plan with target "${target}"` };
}
