// What Check models needs from where it runs: the model files, a way to open a session on that
// place's execution provider, and what to say about the device. The browser (workers/check) opens
// sessions on WebGPU and reads ORT's placement log; the CLI (scripts/models-check.ts) runs ORT's
// wasm CPU provider in Node, where there is no WebGPU to place nodes on.
import type { FolderReader } from '../build/official.ts';
import type { Caps, Role } from '../manifest.ts';
import type { Picture } from './pictures.ts';
import type { FeedData } from './probe.ts';
import type { CheckLine } from './report.ts';

export interface OutputData {
  type: string;
  data: unknown;
  dims: readonly number[];
}

export interface OpenedSession {
  run(feeds: Record<string, FeedData>): Promise<Record<string, OutputData>>;
  /** Where ORT placed the nodes, when this host can tell; null says why not in `placementNote`. */
  placement: { pass: boolean; detail: string } | null;
  dispose(): Promise<void>;
}

export interface CheckHost {
  ep: 'webgpu' | 'wasm';
  /** Device, adapter and runtime, one line each, for the report. */
  environment: string[];
  /** "Test models", a folder, a profile. */
  source: string;
  /** The generated test models: semantic checks are skipped. */
  testModels: boolean;
  /** Which variants to check (shader-f16 picks fp16 / q4f16 files). */
  caps: Caps;
  roles?: readonly Role[];
  size(id: string, path: string): Promise<number | null>;
  read(id: string, path: string): Promise<Uint8Array | null>;
  /** The repository as the graph builder's folder (SD's graphs are built from it). */
  folder(id: string): FolderReader;
  open(name: string, model: Uint8Array, externalData: { path: string; data: Uint8Array }[]): Promise<OpenedSession>;
  /** Why placement cannot be read here (shown when `placement` is null). */
  placementNote: string;
  /** Asks the planner `question` about `picture`; returns its raw answer. Absent where it cannot run. */
  planner?: (picture: Picture, question: string) => Promise<string>;
  /** Why the planner check cannot run here, when `planner` is absent. */
  plannerNote?: string;
  /** Each line as it is decided (progress). */
  onLine?: (line: CheckLine) => void;
}
