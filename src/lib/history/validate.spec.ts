import { describe, expect, it } from 'vitest';
import { checkSteps, foundInstead, readBlob, readEntryMeta, readLastProjectId, readProjectRecord, recoverSteps, storedRevision, type StoredSteps } from './validate.ts';
import type { EntryMeta, ProjectRecord } from './types.ts';

const record = (over: Partial<ProjectRecord> = {}): ProjectRecord => ({
  id: 'p',
  name: 'beach.jpg',
  createdAt: 10,
  updatedAt: 20,
  revision: 7,
  entryIds: ['a', 'b', 'c'],
  cursor: 2,
  width: 640,
  height: 480,
  ...over,
});

const entry = (id: string, over: Partial<EntryMeta> = {}): EntryMeta => ({
  id,
  op: 'rotate',
  params: { direction: 'cw' },
  time: 100,
  width: 480,
  height: 640,
  hasMask: false,
  imageIsOriginal: false,
  storage: { kind: 'image' },
  ...over,
});

const problemOf = <T>(r: { ok: true; value: T } | { ok: false; problem: string }) => (r.ok ? null : r.problem);

describe('readProjectRecord', () => {
  it('accepts a whole record as it is', () => {
    expect(readProjectRecord(record(), 'p')).toEqual({ ok: true, value: record() });
  });

  it.each([
    [42, /damaged \(a number was stored instead\)/],
    ['p', /damaged \(text was stored instead\)/],
    [null, /damaged \(nothing was stored instead\)/],
    [[1, 2], /damaged \(a list was stored instead\)/],
    [new Blob(['x']), /damaged \(a file was stored instead\)/],
  ])('refuses %s, saying what was found', (value, problem) => {
    expect(problemOf(readProjectRecord(value, 'p'))).toMatch(problem);
  });

  it.each([
    [{ id: 'q' }, /belongs to another project/],
    [{ entryIds: [] }, /lists no steps/],
    [{ entryIds: 'a,b' as unknown as string[] }, /lists no steps/],
    [{ entryIds: ['a', 7] as unknown as string[] }, /cannot be read/],
    [{ entryIds: ['a', 'a'] }, /cannot be read/],
    [{ entryIds: ['a', ''] }, /cannot be read/],
  ])('refuses a record whose steps or owner are wrong: %o', (over, problem) => {
    expect(problemOf(readProjectRecord(record(over), 'p'))).toMatch(problem);
  });

  it('falls back to safe values for fields that only describe the project', () => {
    const r = readProjectRecord({ id: 'p', entryIds: ['a', 'b'], cursor: 9, name: 5, createdAt: 'x', updatedAt: NaN, width: -1, height: 1.5 }, 'p');
    expect(r).toEqual({ ok: true, value: { id: 'p', name: 'Untitled project', createdAt: 0, updatedAt: 0, revision: 0, entryIds: ['a', 'b'], cursor: 1, width: 0, height: 0 } });
    expect(readProjectRecord(record({ cursor: -3 }), 'p')).toMatchObject({ ok: true, value: { cursor: 0 } });
    expect(readProjectRecord(record({ cursor: 1.5 }), 'p')).toMatchObject({ ok: true, value: { cursor: 2 } });
  });

  it('reads a record from before revisions, or with a revision that is not a count, as revision 0', () => {
    const { revision: _, ...old } = record();
    expect(readProjectRecord(old, 'p')).toEqual({ ok: true, value: record({ revision: 0 }) });
    for (const revision of [-1, 1.5, '3', NaN, null]) expect(readProjectRecord({ ...old, revision }, 'p')).toMatchObject({ ok: true, value: { revision: 0 } });
  });

  it('storedRevision: null when nothing is stored, 0 for an old or damaged record, else the count', () => {
    expect([undefined, 42, { id: 'p' }, record(), record({ revision: 0 })].map(storedRevision)).toEqual([null, 0, 0, 7, 0]);
  });

  it('copies the step list (the caller may change it)', () => {
    const stored = record();
    const r = readProjectRecord(stored, 'p');
    if (!r.ok) throw new Error(r.problem);
    expect(r.value.entryIds).not.toBe(stored.entryIds);
  });
});

describe('readEntryMeta', () => {
  it('accepts a whole entry, instruction included', () => {
    const e = entry('a', { op: 'inpaint', instruction: 'remove the post', hasMask: true, params: { box: [1, 2], note: null, nested: { x: true } } });
    expect(readEntryMeta(e, 'a')).toEqual({ ok: true, value: e });
  });

  it.each([
    [undefined, /are missing/],
    [42, /damaged \(a number was stored instead\)/],
    [entry('b'), /damaged/],
    [{ ...entry('a'), op: '' }, /damaged/],
    [{ ...entry('a'), op: 3 }, /damaged/],
    [{ ...entry('a'), width: 0 }, /do not say its size/],
    [{ ...entry('a'), height: '640' }, /do not say its size/],
  ])('refuses %o', (value, problem) => {
    expect(problemOf(readEntryMeta(value, 'a'))).toMatch(problem);
  });

  it('falls back for params, time and flags', () => {
    const r = readEntryMeta({ ...entry('a'), params: { f: () => 1 }, time: 'then', hasMask: 'yes', imageIsOriginal: 1, instruction: 7 }, 'a');
    expect(r).toEqual({ ok: true, value: { ...entry('a'), params: {}, time: 0, hasMask: false, imageIsOriginal: false } });
    expect(readEntryMeta({ ...entry('a'), params: [1, 2] }, 'a')).toMatchObject({ ok: true, value: { params: {} } });
    expect(readEntryMeta({ ...entry('a'), params: { x: Infinity } }, 'a')).toMatchObject({ ok: true, value: { params: {} } });
  });
});

describe('blobs and the last-project pointer', () => {
  it('reads only Blobs (and Files) as images', () => {
    const blob = new Blob(['x']);
    const file = new File(['y'], 'a.jpg');
    expect(readBlob(blob)).toBe(blob);
    expect(readBlob(file)).toBe(file);
    for (const v of [undefined, null, 42, 'data:image/png;base64,', { size: 1, type: 'image/png' }, new Uint8Array(3)]) expect(readBlob(v)).toBeUndefined();
  });

  it('reads the pointer only as a non-empty string', () => {
    expect(readLastProjectId('p')).toBe('p');
    for (const v of [undefined, null, '', 42, ['p'], { id: 'p' }]) expect(readLastProjectId(v)).toBeNull();
  });

  it('names what was found', () => {
    expect([undefined, 1, true, 'x', [], {}].map(foundInstead)).toEqual(['nothing', 'a number', 'a boolean', 'text', 'a list', 'an object of another shape']);
  });
});

/** Storage holding the given entries with images for `images` and, optionally, the original. */
function stored(entries: Record<string, unknown>, images: string[], hasOriginal = true): StoredSteps {
  return { entries: new Map(Object.entries(entries)), hasImage: (id) => images.includes(id), hasOriginal };
}

describe('checkSteps', () => {
  const open = entry('a', { op: 'open', imageIsOriginal: true, time: 1 });
  const b = entry('b', { time: 2 });
  const c = entry('c', { op: 'flip', params: { axis: 'horizontal' }, time: 3 });

  it('reads every step of a whole project', () => {
    expect(checkSteps(['a', 'b', 'c'], stored({ a: open, b, c }, ['b', 'c']))).toEqual({ readable: [open, b, c], lost: [] });
  });

  it('stops at the first step without pixels and lists it and the ones after as lost', () => {
    const check = checkSteps(['a', 'b', 'c'], stored({ a: open, b, c }, ['c']));
    expect(check.readable).toEqual([open]);
    expect(check.lost).toEqual([
      { id: 'b', entry: b, problem: 'The image of this step is missing.' },
      { id: 'c', entry: c, problem: 'It comes after a step that cannot be read.' },
    ]);
  });

  it('stops at damaged metadata', () => {
    const check = checkSteps(['a', 'b', 'c'], stored({ a: open, b: 'junk', c }, ['b', 'c']));
    expect(check.readable).toEqual([open]);
    expect(check.lost.map((l) => [l.id, l.problem])).toEqual([
      ['b', 'The details of this step are damaged (text was stored instead).'],
      ['c', 'It comes after a step that cannot be read.'],
    ]);
  });

  it('an open that reuses the original needs the original', () => {
    const check = checkSteps(['a', 'b'], stored({ a: open, b }, ['b'], false));
    expect(check.readable).toEqual([]);
    expect(check.lost[0]).toEqual({ id: 'a', entry: open, problem: 'The file it opened is missing.' });
  });
});

describe('recoverSteps (a project whose record is gone)', () => {
  it('orders the readable steps by time from the open step, leaving out the unreadable and older ones', () => {
    const open = entry('o', { op: 'open', imageIsOriginal: true, time: 5 });
    const early = entry('e', { time: 1 });
    const x = entry('x', { time: 7 });
    const y = entry('y', { time: 6 });
    const check = recoverSteps(stored({ x, o: open, y, e: early, junk: 42 }, ['x', 'y', 'e']));
    expect(check.readable.map((e) => e.id)).toEqual(['o', 'y', 'x']);
    expect(check.lost.map((l) => l.id)).toEqual(['e']);
  });

  it('recovers nothing without the open step', () => {
    const check = recoverSteps(stored({ b: entry('b') }, ['b']));
    expect(check.readable).toEqual([]);
    expect(check.lost[0].problem).toMatch(/opened the image is missing/);
  });
});

describe('steps stored as changes', () => {
  const open = entry('o', { op: 'open', imageIsOriginal: true });
  const turn = entry('t', { storage: { kind: 'transform', from: 'o', transform: { op: 'rotate', direction: 'cw' } } });
  const box = { x: 3, y: 4, width: 10, height: 20 };
  const patch = entry('p', { op: 'inpaint', storage: { kind: 'patch', from: 't', box } });

  it('reads each record kind as written, and a record without one (older versions) as a full image', () => {
    for (const e of [turn, patch, entry('x', { storage: { kind: 'patch', from: 't', box, extend: { left: 1, top: 0, right: 2, bottom: 0 } } })])
      expect(readEntryMeta(e, e.id)).toEqual({ ok: true, value: e });
    const { storage: _, ...legacy } = entry('l');
    expect(readEntryMeta(legacy, 'l')).toEqual({ ok: true, value: entry('l') });
  });

  it.each([
    ['an unknown kind', { kind: 'diff', from: 'o' }],
    ['a change naming no step', { kind: 'transform', transform: { op: 'rotate', direction: 'cw' } }],
    ['an unknown transform', { kind: 'transform', from: 'o', transform: { op: 'rotate', direction: 'up' } }],
    ['a crop outside whole pixels', { kind: 'transform', from: 'o', transform: { op: 'crop', rect: { x: -1, y: 0, width: 2, height: 2 } } }],
    ['a patch with no box', { kind: 'patch', from: 'o' }],
    ['a patch with a bad extension', { kind: 'patch', from: 'o', box, extend: { left: 'a' } }],
    ['text', 'transform'],
  ])('refuses %s: the step could not be rebuilt', (_, storage) => {
    expect(problemOf(readEntryMeta({ ...entry('s'), storage }, 's'))).toMatch(/how its image is stored/);
  });

  it('a transform needs no image record; a patch needs its box; both need the step before to be the one they name', () => {
    expect(checkSteps(['o', 't', 'p'], stored({ o: open, t: turn, p: patch }, ['p'])).readable.map((e) => e.id)).toEqual(['o', 't', 'p']);
    const noBox = checkSteps(['o', 't', 'p'], stored({ o: open, t: turn, p: patch }, []));
    expect(noBox.readable.map((e) => e.id)).toEqual(['o', 't']);
    expect(noBox.lost[0].problem).toMatch(/edited area of this step is missing/);
    // The record lists them in another order (a damaged record): `t` is not made from the step before it.
    const reordered = checkSteps(['o', 'p', 't'], stored({ o: open, t: turn, p: patch }, ['p']));
    expect(reordered.readable.map((e) => e.id)).toEqual(['o']);
    expect(reordered.lost[0].problem).toMatch(/step it was made from is missing/);
    // A change cannot start a project.
    expect(checkSteps(['t'], stored({ t: turn }, [])).readable).toEqual([]);
  });

  it('a repair starts a project whose older steps were removed at the step that took the open step’s place', () => {
    const first = entry('f', { time: 5, storage: { kind: 'image', start: true } });
    const next = entry('n', { time: 6, storage: { kind: 'transform', from: 'f', transform: { op: 'flip', axis: 'vertical' } } });
    expect(recoverSteps(stored({ f: first, n: next }, ['f'])).readable.map((e) => e.id)).toEqual(['f', 'n']);
  });
});
