// Reads the VLM's answer back into an EditPlan. Pure and total: any string (well-formed, truncated,
// malformed, hostile) yields a valid plan; what the answer lacks comes from the instruction's own
// words (heuristics.ts). Fields are plain text: markup is dropped, never escaped, because the UI
// renders text as text and an escaped "&lt;" would show up literally.
import { guessFromInstruction, type Guess } from './heuristics.ts';
import { PLAN_TAGS, type PlanTag } from './prompt.ts';
import { ADJUST_NAMES, ADJUST_RANGE, EDIT_KINDS, type AdjustName, type EditKind, type EditPlan, type OutpaintExtents, type PlanAdjustments, type Turn } from './types.ts';

export interface ParseContext {
  instruction: string;
  previous?: readonly Turn[];
  /** Converts %-extents to pixels when the others are in pixels. */
  imageSize?: { width: number; height: number };
}

/** Longest answer read; the generation is bounded anyway, this bounds the parser's work. */
const MAX_ANSWER = 16_000;
const LIMITS = { target: 80, targetDescription: 400, expressive: 400, prompt: 1200, reply: 800 } as const;

const ALIASES: Record<string, PlanTag> = {
  ...Object.fromEntries(PLAN_TAGS.map((t) => [t, t])),
  type: 'kind',
  edit_kind: 'kind',
  description: 'target_description',
  gen_img: 'gen_image', // LLMGA's own spelling
  prompt: 'gen_image',
  adjustments: 'adjust',
  extend: 'outpaint',
  answer: 'reply',
  response: 'reply',
};

export interface Tagged {
  fields: Partial<Record<PlanTag, string>>;
  /** Text outside every known tag (LLMGA: the reply shown to the person). */
  outside: string;
  notes: string[];
}

/** Splits an answer into its tagged fields. An unclosed tag ends at the next known tag or the end (truncation). */
export function readTags(answer: string): Tagged {
  const text = answer.slice(0, MAX_ANSWER);
  const fields: Partial<Record<PlanTag, string>> = {};
  const notes: string[] = [];
  if (answer.length > MAX_ANSWER) notes.push(`answer cut to ${MAX_ANSWER} characters`);
  let outside = '';
  let open: { tag: PlanTag; from: number } | null = null;
  let last = 0;
  const close = (to: number, how: string) => {
    if (!open) return;
    const value = text.slice(open.from, to);
    if (fields[open.tag] === undefined || (!fields[open.tag]?.trim() && value.trim())) fields[open.tag] = value;
    if (how) notes.push(`<${open.tag}> ${how}`);
    open = null;
  };
  for (const m of text.matchAll(/<\s*(\/?)\s*([A-Za-z_]+)\s*>/g)) {
    const tag = ALIASES[m[2].toLowerCase()];
    if (!tag) continue;
    const at = m.index;
    if (m[1]) {
      if (open?.tag === tag) close(at, '');
      else if (!open) outside += ' ' + text.slice(last, at);
      last = at + m[0].length;
      continue;
    }
    if (open) close(at, 'not closed');
    else outside += ' ' + text.slice(last, at);
    open = { tag, from: at + m[0].length };
    last = open.from;
  }
  if (open) close(text.length, 'cut off (answer truncated)');
  else outside += ' ' + text.slice(last);
  return { fields, outside, notes };
}

/** Plain text: markup and control / bidi-override characters dropped, whitespace collapsed, length capped at a word. */
export function plainText(s: string, max: number): string {
  let t = s
    .replace(/<\/?[A-Za-z!?][^<>]*>/g, ' ')
    // eslint-disable-next-line no-control-regex -- dropping control characters is the point
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^["'“‘]+|["'”’]+$/g, '')
    .trim();
  if (t.length > max) {
    const cut = t.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    t = `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
  }
  return t;
}

/** The first `n` sentences. */
export function sentences(s: string, n: number): string {
  const parts = s.match(/[^.!?]+(?:[.!?]+|$)/g) ?? [];
  return parts.slice(0, n).join('').trim();
}

const KIND_WORDS: [RegExp, EditKind][] = [
  [/\b(local|inpaint\w*|region|replace|remove|add)\b/, 'local'],
  [/\b(global|adjust\w*|whole image|colou?r grade)\b/, 'global'],
  [/\b(outpaint\w*|extend|expand|uncrop)\b/, 'outpaint'],
  [/\b(generate|generation|new image|text.to.image)\b/, 'generate'],
  [/\b(answer|question|reply|none|no edit)\b/, 'answer'],
];

function readKind(s: string | undefined): EditKind | null {
  if (!s) return null;
  const t = s.toLowerCase();
  const exact = EDIT_KINDS.find((k) => new RegExp(`\\b${k}\\b`).test(t));
  return exact ?? KIND_WORDS.find(([re]) => re.test(t))?.[1] ?? null;
}

const NUM = '([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+))';

export function readAdjust(s: string, notes: string[]): PlanAdjustments {
  const out: PlanAdjustments = {};
  for (const m of s.matchAll(new RegExp(`["']?([A-Za-z_]+)["']?\\s*[:=]?\\s*${NUM}`, 'g'))) {
    const name = m[1].toLowerCase() as AdjustName;
    const value = Number(m[2]);
    if (!(ADJUST_NAMES as readonly string[]).includes(name)) {
      notes.push(`unknown slider ${plainText(m[1], 24)}`);
      continue;
    }
    if (!Number.isFinite(value) || name in out) continue;
    const r = ADJUST_RANGE[name];
    const clamped = Math.min(r.max, Math.max(r.min, value));
    if (clamped !== value) notes.push(`${name} ${value} clamped to ${clamped}`);
    if (clamped !== r.neutral) out[name] = clamped;
  }
  return out;
}

export function readOutpaint(s: string, notes: string[], size?: ParseContext['imageSize']): OutpaintExtents | null {
  const raw: { side: keyof Omit<OutpaintExtents, 'unit'>; value: number; unit: string }[] = [];
  for (const m of s.matchAll(new RegExp(`\\b(left|right|top|bottom)\\b\\s*[:=]?\\s*${NUM}\\s*(%|px|pixels?)?`, 'gi'))) {
    const value = Number(m[2]);
    if (Number.isFinite(value) && value >= 0) raw.push({ side: m[1].toLowerCase() as 'left', value, unit: (m[3] ?? '').toLowerCase() });
  }
  if (!raw.length) return null;
  const asFraction = (r: (typeof raw)[number]) => (r.unit === '%' ? r.value / 100 : r.value);
  const px = raw.some((r) => r.unit.startsWith('p') || (r.unit !== '%' && r.value > 4));
  const ext: OutpaintExtents = { left: 0, right: 0, top: 0, bottom: 0, unit: px ? 'px' : 'fraction' };
  for (const r of raw) {
    let v = asFraction(r);
    if (px && r.unit === '%') {
      if (!size) {
        notes.push(`outpaint ${r.side} in % beside pixels, no image size: dropped`);
        continue;
      }
      v = Math.round(v * (r.side === 'left' || r.side === 'right' ? size.width : size.height));
    } else if (px && r.value <= 4 && !r.unit) v = Math.round(v);
    ext[r.side] = px ? Math.min(4096, Math.round(v)) : Math.min(2, v);
  }
  return ext.left + ext.right + ext.top + ext.bottom > 0 ? ext : null;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const asSentence = (s: string) => (s && !/[.!?…]$/.test(s) ? `${s}.` : s);

function defaultReply(plan: Omit<EditPlan, 'reply' | 'source' | 'notes'>): string {
  switch (plan.kind) {
    case 'local':
      return plan.target ? `Editing ${plan.target}: ${plan.instruction}` : `Editing: ${plan.instruction}`;
    case 'global': {
      const s = Object.entries(plan.adjust).map(([k, v]) => `${k} ${v}`);
      return s.length ? `Adjusting ${s.join(', ')}.` : `Changing the whole image: ${plan.instruction}`;
    }
    case 'outpaint': {
      const o = plan.outpaint!;
      const sides = (['left', 'right', 'top', 'bottom'] as const).filter((k) => o[k] > 0);
      return `Extending the image on the ${sides.join(', ')} side${sides.length > 1 ? 's' : ''}.`;
    }
    case 'generate':
      return `Generating a new image: ${plan.prompt}`;
    case 'answer':
      return 'I could not read an answer from the model; please ask again.';
  }
}

/** The plan an answer gives for an instruction; missing or unusable parts come from the instruction's words. */
export function parsePlan(answer: string, ctx: ParseContext): EditPlan {
  const { fields, outside, notes } = readTags(String(answer ?? ''));
  const guess: Guess = guessFromInstruction(ctx.instruction, ctx.previous ?? []);
  const field = (t: PlanTag, max: number) => plainText(fields[t] ?? '', max);
  let filled = 0;
  const fill = <T>(value: T, fallback: T, what: string, empty: (v: T) => boolean): T => {
    if (!empty(value)) return value;
    if (!empty(fallback)) {
      filled++;
      notes.push(`${what} from the instruction`);
    }
    return fallback;
  };
  const noTags = Object.keys(fields).length === 0;
  if (noTags) notes.push('no tags in the answer');

  const modelKind = readKind(fields.kind);
  if (fields.kind !== undefined && !modelKind) notes.push('unreadable <kind>');
  const kind = modelKind ?? guess.kind;
  if (!modelKind) filled++;

  const adjust = fields.adjust !== undefined ? readAdjust(fields.adjust, notes) : {};
  const outpaint = fields.outpaint !== undefined ? readOutpaint(fields.outpaint, notes, ctx.imageSize) : null;
  const instruction = plainText(ctx.instruction, 2000);
  const isEdit = kind !== 'answer';
  const plan: Omit<EditPlan, 'reply' | 'source' | 'notes'> = {
    kind,
    instruction,
    target: kind === 'local' ? fill(field('target', LIMITS.target), plainText(guess.target, LIMITS.target), 'target', (v) => !v) : '',
    targetDescription: isEdit ? field('target_description', LIMITS.targetDescription) : '',
    expressive: isEdit ? sentences(field('expressive', LIMITS.expressive), 2) : '',
    prompt: isEdit ? field('gen_image', LIMITS.prompt) : '',
    adjust: kind === 'global' || kind === 'local' ? fill(adjust, kind === guess.kind ? guess.adjust : {}, 'sliders', (v) => !Object.keys(v).length) : {},
    outpaint: kind === 'outpaint' ? fill(outpaint, guess.outpaint ?? { left: 0.25, right: 0.25, top: 0.25, bottom: 0.25, unit: 'fraction' }, 'extents', (v) => !v) : null,
  };
  if (isEdit) {
    const described = kind === 'global' ? '' : plan.targetDescription;
    plan.prompt = fill(plan.prompt, kind === 'global' ? '' : described || plainText(guess.prompt, LIMITS.prompt), 'prompt', (v) => !v);
    plan.expressive = fill(plan.expressive, asSentence(capitalise(instruction)), 'expressive instruction', (v) => !v);
    plan.targetDescription = fill(plan.targetDescription, kind === 'global' ? '' : plan.prompt, 'target description', (v) => !v);
    if (kind === 'generate' && !plan.prompt) plan.prompt = plan.targetDescription || instruction;
  }
  const said = field('reply', LIMITS.reply) || plainText(outside, LIMITS.reply);
  const reply = said || defaultReply(plan);
  return { ...plan, reply, source: noTags ? 'fallback' : filled > 0 ? 'mixed' : 'model', notes };
}
