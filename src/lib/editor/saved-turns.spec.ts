import { describe, expect, it } from 'vitest';
import { readSavedTurns } from './saved-turns.ts';

const plan = {
  kind: 'global',
  instruction: 'make it brighter',
  target: '',
  targetDescription: 'a brighter photo',
  expressive: 'Brighten the photo.',
  prompt: '',
  adjust: { exposure: 0.5 },
  outpaint: null,
  reply: 'Brightening it.',
  source: 'model',
  notes: [],
};
const turn = { id: 1, instruction: 'make it brighter', reply: 'Brightening it.', plan, status: 'done' };

describe('readSavedTurns', () => {
  it('reads a saved conversation as it was saved', () => {
    expect(readSavedTurns([turn, { ...turn, id: 2, plan: null, status: 'failed', error: 'no' }])).toEqual([turn, { ...turn, id: 2, plan: null, status: 'failed', error: 'no' }]);
  });

  it('reads anything but a list as an empty conversation', () => {
    for (const v of [undefined, 42, 'x', { 0: turn }, null]) expect(readSavedTurns(v)).toEqual([]);
  });

  it('leaves out damaged turns and drops damaged plans from readable ones', () => {
    const turns = readSavedTurns([
      42,
      { ...turn, id: 'x' },
      { ...turn, status: 'planning' },
      { ...turn, id: 3, plan: { ...plan, kind: 'explode' } },
      { ...turn, id: 4, plan: { ...plan, adjust: { exposure: 'lots' } } },
      { ...turn, id: 5, plan: { ...plan, outpaint: { left: 1 } } },
      { ...turn, id: 6, reply: 9, plan: { ...plan, notes: 'n' } },
    ]);
    expect(turns.map((t) => [t.id, t.plan === null])).toEqual([
      [3, true],
      [4, true],
      [5, true],
      [6, false],
    ]);
    expect(turns[3]).toMatchObject({ reply: '', plan: { notes: [] } });
  });
});
