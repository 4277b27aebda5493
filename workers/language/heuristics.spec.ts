import { describe, expect, it } from 'vitest';
import { REMOVAL_PROMPT, guessFromInstruction, isQuestion } from './heuristics.ts';
import type { EditPlan, Turn } from './types.ts';

const plan = (p: Partial<EditPlan>): EditPlan => ({
  kind: 'local', instruction: '', target: '', targetDescription: '', expressive: '', prompt: '', adjust: {}, outpaint: null, reply: '', source: 'model', notes: [], ...p,
});

describe('guessFromInstruction', () => {
  it.each([
    ['make it brighter', { kind: 'global', adjust: { exposure: 0.5 } }],
    ['Make the photo much darker', { kind: 'global', adjust: { exposure: -1 } }],
    ['a bit more contrast', { kind: 'global', adjust: { contrast: 1.125 } }],
    ['black and white please', { kind: 'global', adjust: { saturation: 0 } }],
    ['slightly warmer and sharper', { kind: 'global', adjust: { warmth: 0.15, sharpen: 0.3 } }],
    ['can you make it brighter?', { kind: 'global', adjust: { exposure: 0.5 } }],
    ['blur the image', { kind: 'global', adjust: { blur: 0.5 } }],
    ['extend the beach to the left', { kind: 'outpaint', outpaint: { left: 0.25, right: 0, top: 0, bottom: 0, unit: 'fraction' } }],
    ['Expand the image upward by 50%', { kind: 'outpaint', outpaint: { left: 0, right: 0, top: 0.5, bottom: 0, unit: 'fraction' } }],
    ['zoom out', { kind: 'outpaint', outpaint: { left: 0.25, right: 0.25, top: 0.25, bottom: 0.25, unit: 'fraction' } }],
    ['extend the right side by 300 pixels', { kind: 'outpaint', outpaint: { left: 0, right: 300, top: 0, bottom: 0, unit: 'px' } }],
    ['make the picture wider', { kind: 'outpaint', outpaint: { left: 0.25, right: 0.25, top: 0, bottom: 0, unit: 'fraction' } }],
    ['Replace the cookies with candles.', { kind: 'local', target: 'the cookies', content: 'candles' }],
    ['Remove the fork', { kind: 'local', target: 'the fork', content: '', prompt: REMOVAL_PROMPT }],
    ['Add a pedestrian walking along the beach', { kind: 'local', target: 'the beach', content: 'a pedestrian walking' }],
    ['change the dog into a cat', { kind: 'local', target: 'the dog', content: 'a cat' }],
    ['Change the pendant in the dog to a metal name tag', { kind: 'local', target: 'the pendant in the dog', content: 'a metal name tag' }],
    ['make the sky blue', { kind: 'local', target: 'the sky', content: 'blue sky' }],
    ["Draw Leonardo da Vinci's 'Mona Lisa' to the canvas", { kind: 'local', target: 'the canvas', content: 'leonardo da vincis mona lisa' }],
    ['generate an image of a castle at dusk', { kind: 'generate', prompt: 'a castle at dusk' }],
    ['What is on the plate?', { kind: 'answer' }],
    ['how many cookies are there', { kind: 'answer' }],
    ['could you tell me what breed the dog is?', { kind: 'answer' }],
  ] as const)('%s', (instruction, expected) => {
    expect(guessFromInstruction(instruction)).toMatchObject(expected);
  });

  it('resolves "them" to the last local edit and keeps what was put there', () => {
    const previous: Turn[] = [{ instruction: 'replace the cookies with candles', plan: plan({ target: 'the cookies', prompt: 'candles' }) }];
    const g = guessFromInstruction('now make them bigger', previous);
    expect(g).toMatchObject({ kind: 'local', target: 'the cookies' });
    expect(g.prompt).toBe('bigger candles');
  });

  it('"even more" after a global edit strengthens it; "even brighter" adds to it', () => {
    const previous: Turn[] = [{ instruction: 'brighter', plan: plan({ kind: 'global', adjust: { exposure: 0.5, contrast: 1.2 } }) }];
    expect(guessFromInstruction('even more', previous).adjust).toEqual({ exposure: 0.75, contrast: 1.3 });
    expect(guessFromInstruction('even brighter', previous).adjust).toEqual({ exposure: 1, contrast: 1.2 });
    expect(guessFromInstruction('brighter', []).adjust).toEqual({ exposure: 0.5 });
  });

  it('"again" after an outpaint repeats its extents', () => {
    const outpaint = { left: 0.3, right: 0, top: 0, bottom: 0, unit: 'fraction' as const };
    const g = guessFromInstruction('again', [{ instruction: 'extend left', plan: plan({ kind: 'outpaint', outpaint }) }]);
    expect(g).toMatchObject({ kind: 'outpaint', outpaint });
  });

  it('tells questions from polite requests', () => {
    expect(isQuestion('Can you remove the fork?')).toBe(false);
    expect(isQuestion('Could you describe the scene?')).toBe(true);
    expect(isQuestion('what if the sky were purple')).toBe(false);
    expect(isQuestion('Is the dog wearing a collar')).toBe(true);
  });
});
