/** A model repository at a pinned revision (a commit hash, or a branch name such as "main"). */
export interface ModelRef {
  id: string;
  revision: string;
}

/** One file of a model repository to download. */
export interface ModelFile {
  /** Path inside the repository, e.g. "onnx/model_quantized.onnx". */
  path: string;
  /** Exact size in bytes when it is known for certain; the server's length is always checked too. */
  size?: number;
  /** SHA-256 (hex) of the file where a public listing gives it (models/pins.ts); checked before the file is kept. */
  sha256?: string;
  /** Approximate size (from a listing) for totals and space checks before the server has answered. */
  approxBytes?: number | null;
}

/** Progress of one file, as the UI shows it. */
export interface FileProgress {
  path: string;
  /** Bytes on disk so far, including those kept from an earlier, interrupted attempt. */
  bytes: number;
  /** Full size, once the server has said it (null while unknown). */
  total: number | null;
  /** Bytes per second over the last few seconds of this attempt. */
  rate: number;
  /** Seconds left at the current rate, null while it cannot be estimated. */
  eta: number | null;
}
