// What the instruction's own words say, for when the model's answer is missing, truncated or
// malformed: "brighter" → global exposure, "extend … left" → outpaint, "replace X with Y" → a
// local edit of X, a question → answer. Pure; the parser fills gaps in the model's plan from it.
import { ADJUST_RANGE, type AdjustName, type EditKind, type OutpaintExtents, type PlanAdjustments, type Turn } from './types.ts';

export interface Guess {
  kind: EditKind;
  target: string;
  /** What goes into the region (the Y of "replace X with Y"); '' when unknown. */
  content: string;
  adjust: PlanAdjustments;
  outpaint: OutpaintExtents | null;
  prompt: string;
}

const norm = (s: string) => s.toLowerCase().replace(/[“”"']/g, '').replace(/\s+/g, ' ').trim();
const stripEnd = (s: string) => s.replace(/[\s.,!;:]+$/, '').trim();

/** Words that scale a slider change. */
function intensity(text: string): number {
  if (/\b(much|a lot|way|very|really|significantly|greatly|strongly|considerably)\b/.test(text)) return 2;
  if (/\b(slightly|a bit|a little|a touch|somewhat|subtly|a tad)\b/.test(text)) return 0.5;
  return 1;
}

/** [pattern, slider, value at intensity 1] — later entries do not override earlier ones for the same slider. */
const SLIDER_WORDS: [RegExp, AdjustName, number][] = [
  [/\b(black and white|black & white|b&w|gr[ae]yscale|monochrome)\b/, 'saturation', 0],
  [/\b(brighter|brighten|lighter|lighten|more light|increase (the )?(exposure|brightness)|overexpose|too dark)\b/, 'exposure', 0.5],
  [/\b(darker|darken|dimmer|less light|decrease (the )?(exposure|brightness)|underexpose|too bright)\b/, 'exposure', -0.5],
  [/\b(more contrast|higher contrast|increase (the )?contrast|punchier|more punch)\b/, 'contrast', 1.25],
  [/\b(less contrast|lower contrast|reduce (the )?contrast|decrease (the )?contrast|flatter)\b/, 'contrast', 0.8],
  [/\b(desaturate|less saturat\w*|less colou?rful|muted|washed out|faded)\b/, 'saturation', 0.7],
  [/\b(more saturat\w*|saturate|more colou?rful|more vivid|vivid|vibrant|more vibrant|colou?r pop)\b/, 'saturation', 1.3],
  [/\b(warmer|warm (it )?up|more warm|golden)\b/, 'warmth', 0.3],
  [/\b(cooler|colder|cool (it )?down|bluer tone)\b/, 'warmth', -0.3],
  [/\b(more magenta|pinker tint)\b/, 'tint', 0.2],
  [/\b(more green tint|greener tint)\b/, 'tint', -0.2],
  [/\b(sharpen|sharper|crisper|more detail|more defined)\b/, 'sharpen', 0.6],
  [/\b(blur|blurry|blurrier|soften|softer|out of focus)\b/, 'blur', 0.5],
];

function clampSlider(name: AdjustName, v: number): number {
  const r = ADJUST_RANGE[name];
  return Math.min(r.max, Math.max(r.min, Math.round(v * 1000) / 1000));
}

/** Slider values the words ask for, scaled around neutral by intensity words. */
export function adjustmentsFrom(text: string): PlanAdjustments {
  const t = norm(text);
  const k = intensity(t);
  const out: PlanAdjustments = {};
  for (const [re, name, value] of SLIDER_WORDS) {
    if (name in out || !re.test(t)) continue;
    const neutral = ADJUST_RANGE[name].neutral;
    out[name] = clampSlider(name, value === 0 && name === 'saturation' ? 0 : neutral + (value - neutral) * k);
  }
  return out;
}

const SIDE_WORDS: [RegExp, keyof Omit<OutpaintExtents, 'unit'>][] = [
  [/\b(left|leftwards)\b/, 'left'],
  [/\b(right|rightwards)\b/, 'right'],
  [/\b(top|up|upwards?|above|sky|ceiling)\b/, 'top'],
  [/\b(bottom|down|downwards?|below|ground|floor)\b/, 'bottom'],
];

const OUTPAINT_RE = /\b(extend|expand|outpaint|uncrop|zoom out|widen|wider|taller|enlarge the (canvas|frame|scene)|more (room|space|of the (scene|background|sky)))\b/;

/** Extents from "extend the beach to the left by 50%" (default a quarter of the side); null if not an outpaint request. */
export function outpaintFrom(text: string): OutpaintExtents | null {
  const t = norm(text);
  if (!OUTPAINT_RE.test(t)) return null;
  let amount = 0.25;
  let unit: OutpaintExtents['unit'] = 'fraction';
  const pct = /\bby (\d+(?:\.\d+)?) ?(%|percent)/.exec(t);
  const px = /\bby (\d+) ?(px|pixels?)\b/.exec(t);
  if (pct) amount = Number(pct[1]) / 100;
  else if (px) [amount, unit] = [Number(px[1]), 'px'];
  else if (/\bby (half|50)\b/.test(t)) amount = 0.5;
  else if (/\b(double|twice)\b/.test(t)) amount = 1;
  amount = unit === 'px' ? Math.min(4096, amount) : Math.min(2, amount);
  const ext: OutpaintExtents = { left: 0, right: 0, top: 0, bottom: 0, unit };
  let any = false;
  for (const [re, side] of SIDE_WORDS) if (re.test(t)) [ext[side], any] = [amount, true];
  if (/\b(both sides|sideways|horizontally|wider|widen)\b/.test(t)) [ext.left, ext.right, any] = [amount, amount, true];
  if (/\b(vertically|taller)\b/.test(t)) [ext.top, ext.bottom, any] = [amount, amount, true];
  if (!any) ext.left = ext.right = ext.top = ext.bottom = amount; // "zoom out": every side
  return ext;
}

const QUESTION_START = /^(what|which|who|whom|whose|where|when|why|how|is|are|was|were|does|do|did|describe|tell me|explain|count|name|identify)\b/;
const EDIT_VERB = /^(make|change|replace|remove|add|turn|put|extend|expand|brighten|darken|erase|delete|paint|colou?r|draw|generate|create|fix|give|swap|crop|sharpen|blur)\b/;
const POLITE = /^(please )?(can|could|would|will) you (please )?/;

/** A question about the image rather than an edit ("what is on the plate?"; not "can you make it brighter?"). */
export function isQuestion(text: string): boolean {
  const t = norm(text);
  if (POLITE.test(t)) return !EDIT_VERB.test(t.replace(POLITE, ''));
  if (/^(how about|what if)\b/.test(t)) return false;
  return /\?\s*$/.test(text.trim()) || QUESTION_START.test(t);
}

const GENERATE_RE = /^(?:please )?(?:generate|create|draw|paint|render|imagine|make)(?: me)? (?:a |an )?(?:new |brand new |different )?(?:image|picture|photo|drawing|painting|illustration|rendering) (?:of|showing|with) (?<subject>.+)$/;

/** The object phrase of the instruction: which region to edit, and what goes there. */
function localParts(t: string): { target: string; content: string } {
  const rules: [RegExp, (m: RegExpExecArray) => { target: string; content: string }][] = [
    [/\b(?:replace|swap|substitute) (.+?) (?:with|by|for) (.+)$/, (m) => ({ target: m[1], content: m[2] })],
    [/\b(?:change|turn|transform|convert) (.+?) (?:into|to|in to) (.+)$/, (m) => ({ target: m[1], content: m[2] })],
    [/\b(?:remove|delete|erase|get rid of|take out|take away|eliminate) (.+)$/, (m) => ({ target: m[1], content: '' })],
    [/\b(?:add|put|place|insert|draw) (.+?) (?:to|on|onto|in|into|inside|at|near|next to|beside|along|over|under|above|behind|in front of) (.+)$/, (m) => ({ target: m[2], content: m[1] })],
    [/\b(?:add|put|place|insert) (.+)$/, (m) => ({ target: '', content: m[1] })],
    [/\b(?:colou?r|paint|dye) (.+?) (\w+)$/, (m) => ({ target: m[1], content: `${m[2]} ${m[1].replace(/^(the|a|an|my) /, '')}` })],
    [/\bmake (.+?) (?:look |appear |seem )?((?:(?:much|way|a lot|a bit|a little|slightly|even|very|far|somewhat) )*(?:more |less )?\w+(?: and \w+)?)$/, (m) => ({ target: m[1], content: `${m[2]} ${m[1].replace(/^(the|a|an|my) /, '')}` })],
    [/\bgive (.+?) (an? .+)$/, (m) => ({ target: m[1], content: m[2] })],
  ];
  for (const [re, pick] of rules) {
    const m = re.exec(t);
    if (m) {
      const p = pick(m);
      return { target: stripEnd(p.target), content: stripEnd(p.content) };
    }
  }
  return { target: '', content: '' };
}

export const REMOVAL_PROMPT = 'empty background, a seamless continuation of the surroundings';

const PRONOUN = /^(it|them|that|this|those|these|the same|one|him|her)$/;
const WHOLE = /^(the )?(image|photo|picture|whole (image|photo|picture|thing)|everything|scene)$/;
const MORE_RE = /^(?:now |and |ok |okay )*(?:(?:even|a bit|a little|much|way) )?(?:more|further|again|stronger|some more)(?: please)?$/;

/** A guess of the whole plan from the words alone; `previous` resolves "it", "more", "again". */
export function guessFromInstruction(instruction: string, previous: readonly Turn[] = []): Guess {
  const t = norm(instruction).replace(/[.!?]+$/, '');
  const last = previous.length ? previous[previous.length - 1].plan : null;
  const base: Guess = { kind: 'local', target: '', content: '', adjust: {}, outpaint: null, prompt: '' };
  if (isQuestion(instruction)) return { ...base, kind: 'answer' };

  const gen = GENERATE_RE.exec(t);
  if (gen?.groups) return { ...base, kind: 'generate', content: stripEnd(gen.groups.subject), prompt: stripEnd(gen.groups.subject) };

  // "more" / "again" after an edit repeats or strengthens it.
  if (last && MORE_RE.test(t)) {
    if (last.kind === 'global') return { ...base, kind: 'global', adjust: strengthen(last.adjust) };
    if (last.kind === 'outpaint') return { ...base, kind: 'outpaint', outpaint: last.outpaint };
    if (last.kind === 'local') return { ...base, target: last.target, content: last.prompt, prompt: last.prompt, adjust: strengthen(last.adjust) };
  }

  const outpaint = outpaintFrom(t);
  if (outpaint) return { ...base, kind: 'outpaint', outpaint };

  const local = localParts(t);
  const adjust = adjustmentsFrom(t);
  const vague = !local.target || PRONOUN.test(local.target) || WHOLE.test(local.target);
  if (Object.keys(adjust).length && vague) {
    const again = last?.kind === 'global' && /\b(even|more|further)\b/.test(t);
    return { ...base, kind: 'global', adjust: again ? merge(last.adjust, adjust) : adjust };
  }
  // "now make it bigger": the region of the last edit, and what was put there.
  if (last && last.kind === 'local' && (PRONOUN.test(local.target) || (!local.target && /\b(it|them|that)\b/.test(t)))) {
    const before = last.prompt && last.prompt.split(' ').length <= 8 ? last.prompt : last.target.replace(/^(the|a|an|my) /, '');
    const content = stripEnd(`${local.content.replace(/\b(it|them|that|this|those|these)\b/, '')} ${before}`.replace(/\s+/g, ' '));
    return { ...base, target: last.target, content, prompt: content, adjust };
  }
  // Removal: paint what surrounds the region (a negated object in a prompt would draw the object).
  const prompt = local.content || (local.target && /\b(remove|delete|erase|get rid of|take (out|away)|eliminate)\b/.test(t) ? REMOVAL_PROMPT : '');
  return { ...base, target: local.target, content: local.content, prompt, adjust };
}

/** Moves every slider half as far again from neutral ("even more"). */
function strengthen(a: PlanAdjustments): PlanAdjustments {
  const out: PlanAdjustments = {};
  for (const [name, v] of Object.entries(a) as [AdjustName, number][]) {
    const n = ADJUST_RANGE[name].neutral;
    out[name] = clampSlider(name, n + (v - n) * 1.5);
  }
  return out;
}

/** The earlier sliders with the new ones applied on top (deltas add, factors multiply). */
function merge(prev: PlanAdjustments, next: PlanAdjustments): PlanAdjustments {
  const out: PlanAdjustments = { ...prev };
  for (const [name, v] of Object.entries(next) as [AdjustName, number][]) {
    const p = prev[name];
    const n = ADJUST_RANGE[name].neutral;
    out[name] = p === undefined ? v : clampSlider(name, n === 1 ? p * v : p + v);
  }
  return out;
}
