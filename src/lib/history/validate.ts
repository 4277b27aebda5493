/**
 * What IndexedDB hands back is checked before the app uses it: a record can be damaged (a version
 * that wrote another shape, a half-finished write from a crashed tab, an experiment in DevTools), and
 * one bad record must not stop the others from opening. Each reader returns the record in the shape
 * the app uses, or says in words why it cannot be read. Pure functions: no storage, no Svelte.
 */
import type { EntryMeta, Extension, JsonValue, LostStep, Params, ProjectRecord, Rect, StepStorage, Transform } from './types.ts';

export type Read<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = <T>(problem: string): Read<T> => ({ ok: false, problem });

/** A record-like object: not a list, not a file. */
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(typeof Blob !== 'undefined' && v instanceof Blob);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isSize = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** What was found instead of a record, in words ("a number", "nothing"). */
export function foundInstead(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return (value as object) instanceof Blob ? 'a file' : 'an object of another shape';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

/**
 * A project record. Required: an object naming this project and listing at least one step (string
 * ids, no repeats). Fields that only describe it (name, times, size, cursor) fall back to safe values.
 */
export function readProjectRecord(value: unknown, projectId: string): Read<ProjectRecord> {
  if (!isObject(value)) return bad(`Its project record is damaged (${foundInstead(value)} was stored instead).`);
  if (value.id !== projectId) return bad('Its project record belongs to another project.');
  const ids = value.entryIds;
  if (!Array.isArray(ids) || ids.length === 0) return bad('Its project record lists no steps.');
  if (!ids.every((id): id is string => typeof id === 'string' && id.length > 0) || new Set(ids).size !== ids.length)
    return bad('Its project record lists its steps in a form that cannot be read.');
  const cursor = Number.isInteger(value.cursor) ? Math.min(Math.max(value.cursor as number, 0), ids.length - 1) : ids.length - 1;
  const createdAt = isFiniteNumber(value.createdAt) ? value.createdAt : 0;
  return ok({
    id: projectId,
    name: typeof value.name === 'string' && value.name.trim() ? value.name : 'Untitled project',
    createdAt,
    updatedAt: isFiniteNumber(value.updatedAt) ? value.updatedAt : createdAt,
    revision: readRevision(value),
    entryIds: [...ids],
    cursor,
    width: isSize(value.width) ? value.width : 0,
    height: isSize(value.height) ? value.height : 0,
  });
}

/**
 * The revision of whatever is stored as a project record: null when there is none, 0 for a record
 * from before revisions (or one too damaged to say). Project writes compare it inside their transaction.
 */
export function storedRevision(value: unknown): number | null {
  if (value === undefined) return null;
  return readRevision(value);
}

function readRevision(value: unknown): number {
  if (!isObject(value)) return 0;
  const revision = value.revision;
  return Number.isSafeInteger(revision) && (revision as number) >= 0 ? (revision as number) : 0;
}

function isJson(v: unknown, depth = 0): v is JsonValue {
  if (depth > 32) return false;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  return isObject(v) && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => isJson(x, depth + 1));
}

/**
 * The metadata of one step. Required: its own id, an operation name and a pixel size; the rest
 * (params, time, flags) falls back to safe values, since a step can be shown without them.
 */
export function readEntryMeta(value: unknown, entryId: string): Read<EntryMeta> {
  if (value === undefined) return bad('The details of this step are missing.');
  if (!isObject(value)) return bad(`The details of this step are damaged (${foundInstead(value)} was stored instead).`);
  if (value.id !== entryId || typeof value.op !== 'string' || !value.op) return bad('The details of this step are damaged.');
  if (!isSize(value.width) || !isSize(value.height)) return bad('The details of this step do not say its size.');
  const storage = readStorage(value.storage);
  if (!storage) return bad('The details of this step do not say how its image is stored.');
  const entry: EntryMeta = {
    id: entryId,
    op: value.op,
    params: isObject(value.params) && isJson(value.params) ? (value.params as Params) : {},
    time: isFiniteNumber(value.time) ? value.time : 0,
    width: value.width,
    height: value.height,
    hasMask: value.hasMask === true,
    imageIsOriginal: value.imageIsOriginal === true && storage.kind === 'image',
    storage,
  };
  if (typeof value.instruction === 'string') entry.instruction = value.instruction;
  return ok(entry);
}

const isOffset = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

function readRect(v: unknown): Rect | null {
  if (!isObject(v) || !isOffset(v.x) || !isOffset(v.y) || !isSize(v.width) || !isSize(v.height)) return null;
  return { x: v.x, y: v.y, width: v.width, height: v.height };
}

function readTransform(v: unknown): Transform | null {
  if (!isObject(v)) return null;
  if (v.op === 'rotate' && (v.direction === 'cw' || v.direction === 'ccw')) return { op: 'rotate', direction: v.direction };
  if (v.op === 'flip' && (v.axis === 'horizontal' || v.axis === 'vertical')) return { op: 'flip', axis: v.axis };
  const rect = v.op === 'crop' ? readRect(v.rect) : null;
  return rect && { op: 'crop', rect };
}

function readExtension(v: unknown): Extension | null {
  if (!isObject(v) || !isOffset(v.left) || !isOffset(v.top) || !isOffset(v.right) || !isOffset(v.bottom)) return null;
  return { left: v.left, top: v.top, right: v.right, bottom: v.bottom };
}

/**
 * How a step's pixels are stored. Absent (records written before steps could be stored as changes)
 * reads as a full image; anything else must be one of the known forms exactly, or the step cannot be
 * rebuilt (null).
 */
function readStorage(v: unknown): StepStorage | null {
  if (v === undefined) return { kind: 'image' };
  if (!isObject(v)) return null;
  if (v.kind === 'image') return v.start === true ? { kind: 'image', start: true } : { kind: 'image' };
  if (typeof v.from !== 'string' || !v.from) return null;
  if (v.kind === 'transform') {
    const transform = readTransform(v.transform);
    return transform && { kind: 'transform', from: v.from, transform };
  }
  if (v.kind === 'patch') {
    const box = readRect(v.box);
    const extend = v.extend === undefined ? undefined : readExtension(v.extend);
    if (!box || extend === null) return null;
    return { kind: 'patch', from: v.from, box, ...(extend ? { extend } : {}) };
  }
  return null;
}

/** Image, thumbnail, mask and original records are Blobs (the original a File); anything else reads as absent. */
export function readBlob(value: unknown): Blob | undefined {
  return typeof Blob !== 'undefined' && value instanceof Blob ? value : undefined;
}

/** The "reopen this on start" pointer: a non-empty string, or nothing. */
export function readLastProjectId(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** What of a project can be opened: the steps up to the first unreadable one, and what was left out. */
export interface ProjectCheck {
  readable: EntryMeta[];
  lost: LostStep[];
}

/** What storage holds of one project's steps, as read (values unchecked). */
export interface StoredSteps {
  /** Metadata records by entry id, as found. */
  entries: ReadonlyMap<string, unknown>;
  /** Whether each entry's image is readable; a value read as a Blob, or just the key's presence when listing. */
  hasImage: (entryId: string) => boolean;
  /** Whether the opened file is readable. */
  hasOriginal: boolean;
}

/**
 * The readable prefix of a project's steps: every step needs readable metadata and pixels (its own
 * image, or the original file for an `open` that reuses it; the stored box of a patch; nothing more
 * for a transform), and a step stored as a change must be a change of the step before it (the first
 * step must be a full image). The steps after the first unreadable one are left out too — each was
 * made from the one before — and are listed as lost.
 */
export function checkSteps(entryIds: readonly string[], stored: StoredSteps): ProjectCheck {
  const readable: EntryMeta[] = [];
  const lost: LostStep[] = [];
  for (const id of entryIds) {
    const meta = readEntryMeta(stored.entries.get(id), id);
    if (lost.length) {
      lost.push({ id, entry: meta.ok ? meta.value : undefined, problem: 'It comes after a step that cannot be read.' });
      continue;
    }
    if (!meta.ok) {
      lost.push({ id, problem: meta.problem });
      continue;
    }
    const entry = meta.value;
    const kind = entry.storage.kind;
    if (kind !== 'image' && entry.storage.from !== readable[readable.length - 1]?.id) {
      lost.push({ id, entry, problem: 'The step it was made from is missing.' });
      continue;
    }
    const pixels = kind === 'transform' || (entry.imageIsOriginal ? stored.hasOriginal : stored.hasImage(id));
    if (!pixels) {
      const problem = entry.imageIsOriginal ? 'The file it opened is missing.' : kind === 'patch' ? 'The edited area of this step is missing.' : 'The image of this step is missing.';
      lost.push({ id, entry, problem });
      continue;
    }
    readable.push(entry);
  }
  return { readable, lost };
}

/**
 * The steps of a project whose record is gone, in the order they were made: what a repair can
 * rebuild. Readable metadata only, sorted by time; the chain stops at the first step without pixels.
 */
export function recoverSteps(stored: StoredSteps): ProjectCheck {
  const found = [...stored.entries.entries()]
    .map(([id, value]) => readEntryMeta(value, id))
    .filter((r): r is { ok: true; value: EntryMeta } => r.ok)
    .map((r) => r.value)
    .sort((a, b) => a.time - b.time);
  // A project starts with the image that was opened or, once its older steps were removed, the step that took its place.
  const start = found.findIndex((e) => e.op === 'open' || (e.storage.kind === 'image' && e.storage.start === true));
  if (start < 0) return { readable: [], lost: found.map((entry) => ({ id: entry.id, entry, problem: 'The step that opened the image is missing.' })) };
  const before: LostStep[] = found.slice(0, start).map((entry) => ({ id: entry.id, entry, problem: 'It is older than the step that opened the image.' }));
  const check = checkSteps(
    found.slice(start).map((e) => e.id),
    stored,
  );
  return { readable: check.readable, lost: [...before, ...check.lost] };
}
