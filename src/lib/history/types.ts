/** Operations the editor knows today; any other string is accepted so later kinds need no edit here. */
export type KnownOperation = 'open' | 'rotate' | 'flip' | 'crop' | 'inpaint' | 'adjust' | 'outpaint' | 'generate';
export type Operation = KnownOperation | (string & {});

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Params = { [key: string]: JsonValue };

/** One history entry as persisted and as the UI sees it: metadata only, its blobs live under their own keys. */
export interface EntryMeta {
  id: string;
  op: Operation;
  params: Params;
  /** The user's instruction text, for instruction-driven edits. */
  instruction?: string;
  /** Milliseconds since the epoch. */
  time: number;
  width: number;
  height: number;
  hasMask: boolean;
  /** The `open` entry may reuse the original file as its image instead of storing a second copy. */
  imageIsOriginal: boolean;
}

/** The project record: the source of truth for which entries exist and which one is current. */
export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  entryIds: string[];
  cursor: number;
  /** Size of the current entry, kept here so the recent list needs no entry reads. */
  width: number;
  height: number;
}

/** What the UI hands to `commit`. */
export interface EntryInput {
  op: Operation;
  params?: Params;
  instruction?: string;
  image: Blob;
  thumbnail: Blob;
  width: number;
  height: number;
  mask?: Blob;
}

/** What the UI hands to `open`: the user's file unchanged, plus its decoded/normalised form. */
export interface OpenInput {
  name: string;
  /** Stored byte for byte (EXIF and all). */
  original: Blob;
  /** The image the editor works on; omit it when the original is already that image. */
  image?: Blob;
  thumbnail: Blob;
  width: number;
  height: number;
  params?: Params;
}

export interface EntryBlobs {
  image?: Blob;
  thumbnail: Blob;
  mask?: Blob;
}

/** One row of the recent-projects list. */
export interface ProjectSummary {
  id: string;
  name: string;
  width: number;
  height: number;
  createdAt: number;
  updatedAt: number;
  entryCount: number;
  /** Thumbnail of the current entry. */
  thumbnail: Blob | undefined;
}

export interface StorageInfo {
  usage: number;
  quota: number;
  available: number;
  persisted: boolean;
}
