// The placement line of the report, from ORT's own placement log (workers/runtime/placement.ts
// parses it while a WebGPU session is created). A node on the CPU inside a GPU graph costs a
// GPU → CPU → GPU round trip each run. ORT keeps some nodes of ops WebGPU does run on the CPU on
// purpose (shape arithmetic on small int64 tensors): those are named but pass; a node on the CPU
// because WebGPU has no kernel for its op fails.
import type { Placement } from '../../workers/runtime/placement.ts';
import { hasWebgpuKernel } from './webgpu-ops.ts';

/** A placement line: CPU nodes of ops WebGPU has kernels for are ORT's own choice (shape arithmetic it keeps on the CPU). */
export function placementVerdict(p: Placement | null): { pass: boolean; detail: string } {
  if (!p) return { pass: false, detail: 'ORT printed no placement log' };
  const total = Object.values(p.counts).reduce((a, b) => a + b, 0);
  const gpu = p.counts.WebGpuExecutionProvider ?? 0;
  if (gpu === total) return { pass: true, detail: `all ${total} nodes on WebGPU` };
  if (!p.cpuNodes.length) return { pass: false, detail: `${gpu} of ${total} nodes on WebGPU; the log does not name the others` };
  const ops = new Map<string, number>();
  for (const n of p.cpuNodes) ops.set(n.split(' ')[0], (ops.get(n.split(' ')[0]) ?? 0) + 1);
  const list = (keep: (op: string) => boolean) => [...ops].filter(([op]) => keep(op)).map(([op, c]) => `${op} ×${c}`).join(', ');
  const forced = list((op) => !hasWebgpuKernel(op));
  const chosen = list(hasWebgpuKernel);
  const where = `${gpu} of ${total} nodes on WebGPU`;
  return forced
    ? { pass: false, detail: `${where}; on the CPU for want of a WebGPU kernel: ${forced}${chosen ? `; kept on the CPU by ORT: ${chosen}` : ''}` }
    : { pass: true, detail: `${where}; kept on the CPU by ORT (shape arithmetic): ${chosen}` };
}
