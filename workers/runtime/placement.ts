// Where ORT put each node of a session, read from its verbose log while the session is created
// (session_state.cc prints "Node placements", then either "All nodes placed on [EP]. Number of
// nodes: N" or, per provider, "Node(s) placed on [EP]. Number of nodes: N" and the nodes). A node
// on the CPU inside a GPU graph is a hidden GPU → CPU → GPU round trip on every run.
import { ort } from './ort.ts';

export interface Placement {
  /** Nodes per execution provider, e.g. { WebGpuExecutionProvider: 1517 }. */
  counts: Record<string, number>;
  /** Node descriptions ORT listed under the CPU provider (op type and name), when any. */
  cpuNodes: string[];
}

/** Parses ORT's placement lines; null when the log holds none (logging was not verbose). */
export function parsePlacement(lines: readonly string[]): Placement | null {
  const counts: Record<string, number> = {};
  const cpuNodes: string[] = [];
  let inCpu = false;
  let seen = false;
  for (const line of lines) {
    const m = line.match(/(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/);
    if (m) {
      seen = true;
      counts[m[1]] = (counts[m[1]] ?? 0) + Number(m[2]);
      inCpu = m[1] === 'CPUExecutionProvider';
      continue;
    }
    const node = line.match(/VerifyEachNodeIsAssignedToAnEp\]\s+(\S+ \(.*\))\s*$/);
    if (inCpu && node) cpuNodes.push(node[1]);
  }
  return seen ? { counts, cpuNodes } : null;
}

const KEYS = ['log', 'info', 'warn', 'debug', 'error'] as const;
let sink: string[] | null = null;
let hooked = false;

/**
 * ORT-web's wasm module binds the console functions it prints with when it starts, so a capture
 * that swaps console.log per call would miss every session after the first: the console is wrapped
 * once, forwarding as before and copying lines to the sink while a capture runs.
 */
function hookConsole(): void {
  if (hooked) return;
  hooked = true;
  for (const k of KEYS) {
    const original = console[k].bind(console);
    console[k] = (...a: unknown[]) => {
      if (sink) sink.push(a.map(String).join(' '));
      else original(...a);
    };
  }
}

/** Creates a session with ORT's verbose log captured and returns it with its placement. */
export async function createWithPlacement(model: Uint8Array, options: ort.InferenceSession.SessionOptions): Promise<{ session: ort.InferenceSession; placement: Placement | null }> {
  hookConsole();
  const lines: string[] = [];
  const level = ort.env.logLevel;
  sink = lines;
  ort.env.logLevel = 'verbose';
  try {
    const session = await ort.InferenceSession.create(model, { ...options, logSeverityLevel: 0, logVerbosityLevel: 0 });
    return { session, placement: parsePlacement(lines) };
  } finally {
    sink = null;
    ort.env.logLevel = level;
  }
}
