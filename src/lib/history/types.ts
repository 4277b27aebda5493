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
  /** How its pixels are stored: a full image, or a cheaper record against the step before (steps.ts). */
  storage: StepStorage;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Pixels added on each side of the image (outpainting); the new area starts as the nearest edge pixel. */
export interface Extension {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A whole-pixel geometric change of the step before: exact, so it can be stored as the operation alone. */
export type Transform =
  | { op: 'rotate'; direction: 'cw' | 'ccw' }
  | { op: 'flip'; axis: 'horizontal' | 'vertical' }
  | { op: 'crop'; rect: Rect };

/**
 * How a step's image is stored. `image`: the whole image under `['image', p, e]` (or the opened file,
 * when `imageIsOriginal`): a keyframe. `transform`: no pixels, the step `from` with `transform` applied.
 * `patch`: `['image', p, e]` holds only the edited `box`, pasted over the step `from` (first extended
 * by `extend`, for outpainting). Records written before this field existed read as `image`.
 * `start` marks a step that took the `open` step's place when the older steps were removed.
 */
export type StepStorage =
  | { kind: 'image'; /** Set on the step that became the first when the older steps were removed. */ start?: true }
  | { kind: 'transform'; from: string; transform: Transform }
  | { kind: 'patch'; from: string; box: Rect; extend?: Extension };

/** A cheaper record of a new step, relative to the current one, offered to `commit`. */
export type StepDelta = { transform: Transform } | { patch: Blob; box: Rect; extend?: Extension };

/** One step of rebuilding an image from its keyframe (`key` names the image it makes). */
export type ReplayStep = { key: string; transform: Transform } | { key: string; patch: Blob; box: Rect; extend?: Extension };

/**
 * What makes a step's image: the nearest full image at or before it and the steps that turn it into
 * this one. Plain data (Blobs are handles), so it crosses to the image worker, which rebuilds the
 * pixels there. Keys are `projectId/entryId`: the worker caches rebuilt images by them.
 */
export interface StepImage {
  key: string;
  base: Blob;
  baseKey: string;
  steps: ReplayStep[];
  width: number;
  height: number;
}

/** The project record: the source of truth for which entries exist and which one is current. */
export interface ProjectRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /**
   * Counts the writes of this record. A write must replace exactly the revision before its own, so a
   * tab holding an older copy cannot overwrite (or delete the steps of) another tab's work. Records
   * from before the field read as 0.
   */
  revision: number;
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
  /** The whole result; a function when making it costs time (encoding) and a `delta` may make it unneeded. */
  image: Blob | (() => Promise<Blob>);
  /** A cheaper record of the same result, against the current step; used unless a keyframe is due. */
  delta?: StepDelta;
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
  /** The whole image, or the box of a `patch` step. */
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
  /** Bytes its records take in storage (images, boxes, thumbnails, masks, the opened file). */
  bytes: number;
  /** Set when some of its steps cannot be read: it opens with the readable ones. */
  damage?: ProjectDamage;
}

/** What is wrong with a project that still opens, for the recent-projects list. */
export interface ProjectDamage {
  /** Steps that open (the ones before the first unreadable step). */
  readable: number;
  /** Steps left out. */
  lost: number;
  /** Why the first left-out step cannot be read, in words. */
  problem: string;
}

/** A project that cannot be opened as it is (its record, or its first step, cannot be read). */
export interface UnreadableProject {
  id: string;
  /** The project's name when readable, else the opened file's name, else a placeholder. */
  name: string;
  /** What is wrong, in words. */
  problem: string;
  /** Steps a repair would keep; 0 when only deleting is possible. */
  recoverable: number;
}

/** The recent-projects list: the projects that open, and apart from them those that cannot be read. */
export interface ProjectListing {
  projects: ProjectSummary[];
  unreadable: UnreadableProject[];
}

/** What opening a project had to leave out (empty when everything was read). */
export interface LoadReport {
  lost: LostStep[];
  /** Steps in the saved record, readable or not. */
  total: number;
}

/** A step left out, for the message: its operation when known, and why. */
export interface LostStep {
  id: string;
  entry?: EntryMeta;
  problem: string;
}

export interface StorageInfo {
  usage: number;
  quota: number;
  available: number;
  persisted: boolean;
}
