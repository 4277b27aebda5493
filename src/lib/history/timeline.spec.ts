import { describe, expect, it } from 'vitest';
import { append, canRedo, canUndo, moveTo } from './timeline.ts';

describe('append', () => {
  it.each([
    { ids: ['a'], cursor: 0, want: ['a', 'x'], dropped: [] },
    { ids: ['a', 'b', 'c'], cursor: 2, want: ['a', 'b', 'c', 'x'], dropped: [] },
    { ids: ['a', 'b', 'c'], cursor: 0, want: ['a', 'x'], dropped: ['b', 'c'] },
    { ids: ['a', 'b', 'c', 'd'], cursor: 1, want: ['a', 'b', 'x'], dropped: ['c', 'd'] },
    { ids: [], cursor: -1, want: ['x'], dropped: [] },
  ])('$ids at $cursor → $want, drops $dropped', ({ ids, cursor, want, dropped }) => {
    const r = append({ entryIds: ids, cursor }, 'x');
    expect(r.next.entryIds).toEqual(want);
    expect(r.next.cursor).toBe(want.length - 1);
    expect(r.dropped).toEqual(dropped);
  });

  it('does not mutate its input', () => {
    const ids = ['a', 'b', 'c'];
    append({ entryIds: ids, cursor: 0 }, 'x');
    expect(ids).toEqual(['a', 'b', 'c']);
  });
});

describe('moveTo', () => {
  const t = { entryIds: ['a', 'b', 'c'], cursor: 1 };
  it.each([
    [0, 0],
    [2, 2],
    [1, null],
    [-1, null],
    [3, null],
    [1.5, null],
    [Number.NaN, null],
  ])('index %s → %s', (i, want) => {
    expect(moveTo(t, i)).toBe(want);
  });
});

describe('canUndo / canRedo', () => {
  it.each([
    { cursor: -1, length: 0, undo: false, redo: false },
    { cursor: 0, length: 1, undo: false, redo: false },
    { cursor: 0, length: 3, undo: false, redo: true },
    { cursor: 1, length: 3, undo: true, redo: true },
    { cursor: 2, length: 3, undo: true, redo: false },
  ])('cursor $cursor of $length', ({ cursor, length, undo, redo }) => {
    expect(canUndo(cursor, length)).toBe(undo);
    expect(canRedo(cursor, length)).toBe(redo);
  });
});
