// Recorded model answers (well-formed, partial, truncated, malformed, hostile) and the plans they must give.
import { describe, expect, it } from 'vitest';
import { REMOVAL_PROMPT } from './heuristics.ts';
import { parsePlan, plainText, readTags } from './parse.ts';
import { serializePlan } from './prompt.ts';
import { EDIT_KINDS, type EditPlan, type Turn } from './types.ts';

const WELL_FORMED = `<kind>local</kind>
<target>the cookies</target>
<target_description>A plate of small lit candles on a wooden table.</target_description>
<expressive>The cookies on the plate become small lit candles. Their flames glow warmly. They stand upright.</expressive>
<gen_image>a cluster of small white wax candles with glowing flames on a ceramic plate, warm candlelight, soft shadows, photorealistic, shallow depth of field, detailed wax texture, cosy evening atmosphere, wooden table in the background, high quality photograph taken with a 50mm lens, natural colours, a linen napkin folded beside the plate, a few crumbs left on the wood grain, the window light fading to blue behind, reflections of the flames in a glass of water, drops of melted wax running down the sides of the candles, tiny wisps of smoke rising above two of the wicks, gentle highlights on the plate rim</gen_image>
<reply>I'll replace the cookies with candles.</reply>`;

interface Case {
  name: string;
  instruction: string;
  answer: string;
  previous?: Turn[];
  expect: Partial<EditPlan>;
  notes?: RegExp[];
}

const cookies: Turn = {
  instruction: 'replace the cookies with candles',
  plan: parsePlan(WELL_FORMED, { instruction: 'replace the cookies with candles' }),
};
const brighter: Turn = { instruction: 'brighter', plan: parsePlan('<kind>global</kind><adjust>exposure=0.5</adjust>', { instruction: 'brighter' }) };

const CASES: Case[] = [
  {
    name: 'well-formed local edit',
    instruction: 'replace the cookies with candles',
    answer: WELL_FORMED,
    expect: {
      kind: 'local', target: 'the cookies', source: 'model', reply: "I'll replace the cookies with candles.",
      targetDescription: 'A plate of small lit candles on a wooden table.',
      expressive: 'The cookies on the plate become small lit candles. Their flames glow warmly.',
      adjust: {}, outpaint: null, notes: [],
    },
  },
  {
    name: 'global sliders, mixed separators',
    instruction: 'make it brighter and punchier',
    answer: '<kind>global</kind>\n<adjust>exposure=0.6, contrast: 1.2; saturation 1.1</adjust>\n<reply>Brightening it up.</reply>',
    expect: { kind: 'global', target: '', adjust: { exposure: 0.6, contrast: 1.2, saturation: 1.1 }, expressive: 'Make it brighter and punchier.', source: 'mixed', prompt: '' },
  },
  {
    name: 'sliders as JSON',
    instruction: 'warmer',
    answer: '<kind>global</kind><adjust>{"brightness": 0.2, "warmth": -0.4}</adjust>',
    expect: { kind: 'global', adjust: { brightness: 0.2, warmth: -0.4 } },
  },
  {
    name: 'out-of-range and unknown sliders',
    instruction: 'much brighter',
    answer: '<kind>global</kind><adjust>exposure=9, vibrance=2, gamma=1</adjust>',
    expect: { kind: 'global', adjust: { exposure: 3 } },
    notes: [/unknown slider vibrance/, /exposure 9 clamped to 3/],
  },
  {
    name: 'outpaint in fractions',
    instruction: 'extend the beach to the left',
    answer: '<kind>outpaint</kind><outpaint>left=0.5, right=0, top=0, bottom=0</outpaint><gen_image>a sandy beach continuing to the left, gentle waves</gen_image><reply>Extending left.</reply>',
    expect: { kind: 'outpaint', outpaint: { left: 0.5, right: 0, top: 0, bottom: 0, unit: 'fraction' }, prompt: 'a sandy beach continuing to the left, gentle waves', target: '' },
  },
  {
    name: 'outpaint in pixels and percent (image size known)',
    instruction: 'extend it',
    answer: '<kind>outpaint</kind><outpaint>left: 256px, top 10%</outpaint>',
    expect: { kind: 'outpaint', outpaint: { left: 256, right: 0, top: 60, bottom: 0, unit: 'px' } },
  },
  {
    name: 'LLMGA answer: <gen_img> spelling, reply outside the tags, no kind',
    instruction: 'generate an image of a castle at dusk',
    answer: 'Sure! Here is a detailed prompt. <gen_img>a medieval stone castle on a hill at dusk, purple sky, warm lit windows</gen_img> Enjoy your castle!',
    expect: { kind: 'generate', prompt: 'a medieval stone castle on a hill at dusk, purple sky, warm lit windows', reply: 'Sure! Here is a detailed prompt. Enjoy your castle!', source: 'mixed' },
  },
  {
    name: 'a question gets an answer and no edit',
    instruction: 'how many cookies are on the plate?',
    answer: '<kind>answer</kind><target>the cookies</target><reply>There are three cookies on the plate.</reply>',
    expect: { kind: 'answer', target: '', prompt: '', adjust: {}, outpaint: null, reply: 'There are three cookies on the plate.', expressive: '' },
  },
  {
    name: 'truncated inside the target description',
    instruction: 'remove the fork',
    answer: '<kind>local</kind>\n<target>the fork</target>\n<target_description>A table with a plate and no fo',
    expect: { kind: 'local', target: 'the fork', targetDescription: 'A table with a plate and no fo', prompt: 'A table with a plate and no fo', expressive: 'Remove the fork.', source: 'mixed' },
    notes: [/<target_description> cut off/],
  },
  {
    name: 'truncated inside <kind>',
    instruction: 'replace the cookies with candles',
    answer: '<kind>loc',
    expect: { kind: 'local', target: 'the cookies', prompt: 'candles', source: 'mixed' },
    notes: [/unreadable <kind>/, /cut off/],
  },
  {
    name: 'unclosed tags end at the next tag',
    instruction: 'make the sky blue',
    answer: '<kind>local\n<target>the sky\n<gen_image>a clear deep blue sky',
    expect: { kind: 'local', target: 'the sky', prompt: 'a clear deep blue sky' },
    notes: [/<kind> not closed/, /<target> not closed/],
  },
  {
    name: 'free text, no tags at all',
    instruction: 'make it brighter',
    answer: 'Sure, I will make the image brighter for you!',
    expect: { kind: 'global', adjust: { exposure: 0.5 }, reply: 'Sure, I will make the image brighter for you!', source: 'fallback' },
    notes: [/no tags/],
  },
  {
    name: 'empty answer',
    instruction: 'extend the beach to the left',
    answer: '',
    expect: { kind: 'outpaint', outpaint: { left: 0.25, right: 0, top: 0, bottom: 0, unit: 'fraction' }, source: 'fallback', reply: 'Extending the image on the left side.' },
  },
  {
    name: 'gibberish (what the fixture model writes)',
    instruction: 'Replace the cookies with candles',
    answer: 'ĠçļĦ\u0000 q<|im_start|>x\u0007ÃĲ',
    expect: { kind: 'local', target: 'the cookies', prompt: 'candles', source: 'fallback' },
  },
  {
    name: 'kind synonym',
    instruction: 'remove the fork',
    answer: '<kind>Inpainting</kind><target>the fork</target>',
    expect: { kind: 'local', target: 'the fork', prompt: REMOVAL_PROMPT },
  },
  {
    name: 'HTML and script in the fields',
    instruction: 'replace the cookies with candles',
    answer: '<kind>local</kind><target><img src=x onerror=alert(1)>the cookies</target><gen_image>candles <b>bright</b></gen_image><reply><script>alert("x")</script>Done &amp; dusted <a href="javascript:alert(1)">click</a></reply>',
    expect: { kind: 'local', target: 'the cookies', prompt: 'candles bright', reply: 'alert("x") Done &amp; dusted click' },
  },
  {
    name: 'a second <kind> after the reply does not override the first',
    instruction: 'make the sky blue',
    answer: '<kind>local</kind><target>the sky</target><reply>ok</reply><kind>global</kind><adjust>exposure=3</adjust>',
    expect: { kind: 'local', target: 'the sky', adjust: {} },
  },
  {
    name: 'bidi overrides and control characters',
    instruction: 'what is this?',
    answer: '<kind>answer</kind><reply>A\u202Egnp.exe\u202C cat\u0007 on a\n\n\tsofa</reply>',
    expect: { kind: 'answer', reply: 'Agnp.exe cat on a sofa' },
  },
  {
    name: '"now make them bigger" after the cookies turn, malformed answer',
    instruction: 'now make them bigger',
    answer: '??',
    previous: [cookies],
    expect: { kind: 'local', target: 'the cookies', source: 'fallback' },
  },
  {
    name: '"even more" after a brightening turn',
    instruction: 'even more',
    answer: '<kind>global</kind>',
    previous: [brighter],
    expect: { kind: 'global', adjust: { exposure: 0.75 }, source: 'mixed' },
  },
  {
    name: 'kind local without a target: the instruction names it',
    instruction: 'Replace the cookies with candles',
    answer: '<kind>local</kind><gen_image>candles</gen_image>',
    expect: { kind: 'local', target: 'the cookies', prompt: 'candles', source: 'mixed' },
    notes: [/target from the instruction/],
  },
];

describe('parsePlan on recorded answers', () => {
  it.each(CASES)('$name', (c) => {
    const plan = parsePlan(c.answer, { instruction: c.instruction, previous: c.previous, imageSize: { width: 800, height: 600 } });
    expect(plan).toMatchObject(c.expect);
    for (const re of c.notes ?? []) expect(plan.notes.join('\n')).toMatch(re);
    // Valid in every case: a known kind, plain-text fields, a reply to show, bounded lengths.
    expect(EDIT_KINDS).toContain(plan.kind);
    for (const k of ['target', 'targetDescription', 'expressive', 'prompt', 'reply'] as const) {
      expect(plan[k]).not.toMatch(/<\/?[a-z!]/i);
      // eslint-disable-next-line no-control-regex -- asserting there are none
      expect(plan[k]).not.toMatch(/[\u0000-\u001f\u202a-\u202e]/);
      expect(plan[k].length).toBeLessThanOrEqual(1200);
    }
    expect(plan.reply.length).toBeGreaterThan(0);
    if (plan.kind === 'local' || plan.kind === 'generate') expect(plan.prompt.length).toBeGreaterThan(0);
    if (plan.kind === 'outpaint') expect(plan.outpaint).not.toBeNull();
    else expect(plan.outpaint).toBeNull();
  });

  it('keeps a long generation prompt whole (beyond 75 CLIP tokens)', () => {
    const plan = parsePlan(WELL_FORMED, { instruction: 'replace the cookies with candles' });
    expect(plan.prompt.split(/\s+/).length).toBeGreaterThan(75);
    expect(plan.prompt.endsWith('gentle highlights on the plate rim')).toBe(true);
  });

  it('bounds the work on a huge answer', () => {
    const plan = parsePlan(`<kind>answer</kind><reply>${'word '.repeat(10_000)}</reply>`, { instruction: 'what is this?' });
    expect(plan.reply.length).toBeLessThanOrEqual(800);
    expect(plan.reply.endsWith('…')).toBe(true);
    expect(plan.notes.join()).toMatch(/answer cut to 16000/);
  });

  it('reads back what serializePlan writes (the earlier turns in the prompt)', () => {
    const again = parsePlan(serializePlan(cookies.plan), { instruction: cookies.instruction });
    const { notes: _a, source: _b, ...rest } = cookies.plan;
    expect(again).toMatchObject(rest);
    const o = parsePlan(serializePlan(parsePlan('<kind>outpaint</kind><outpaint>left=300px</outpaint>', { instruction: 'extend' })), { instruction: 'extend' });
    expect(o.outpaint).toEqual({ left: 300, right: 0, top: 0, bottom: 0, unit: 'px' });
  });
});

describe('helpers', () => {
  it('readTags collects the text outside the tags', () => {
    expect(readTags('a <reply>b</reply> c').outside.replace(/\s+/g, ' ').trim()).toBe('a c');
  });

  it('plainText drops markup but does not escape or decode entities', () => {
    expect(plainText('<i>5 &lt; 6</i> and 7 > 3', 100)).toBe('5 &lt; 6 and 7 > 3');
    expect(plainText('one two three four', 10)).toBe('one two…');
  });
});
