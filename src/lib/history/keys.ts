/**
 * IndexedDB keys. Arrays, kind first: `[kind, projectId, entryId?]`, so every record of one kind
 * for one project sits in one contiguous key range (listing and deleting need no key scans).
 */

/** Kinds of per-entry records; each entry has at most one of each. */
export const ENTRY_KINDS = ['entry', 'image', 'thumb', 'mask'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Kinds stored once per project. */
export const PROJECT_KINDS = ['project', 'original'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

export type ProjectKey = [ProjectKind, string];
export type EntryKey = [EntryKind, string, string];

export const projectKey = (projectId: string): ProjectKey => ['project', projectId];
export const originalKey = (projectId: string): ProjectKey => ['original', projectId];
export const entryKey = (kind: EntryKind, projectId: string, entryId: string): EntryKey => [
  kind,
  projectId,
  entryId,
];

/** The id of the project the app had open last. Never collides: project ids are UUIDs, not 'meta'. */
export const LAST_PROJECT_KEY: [string, string] = ['meta', 'lastProjectId'];

/**
 * Bounds [lower, upper] (both inclusive) holding exactly the keys of `kind` for `projectId`:
 * arrays sort after strings in IndexedDB, so `[]` is above every string entry id.
 */
export function kindBounds(kind: EntryKind | ProjectKind, projectId: string): [IDBValidKey, IDBValidKey] {
  return [[kind, projectId], [kind, projectId, []]];
}

/** Bounds holding every project record, whatever its id. */
export const PROJECT_RECORD_BOUNDS: [IDBValidKey, IDBValidKey] = [['project'], ['project', []]];
