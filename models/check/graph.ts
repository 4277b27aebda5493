// What an ONNX file declares, read from its bytes before any session exists: inputs and outputs
// (names, element types, dims), the ops of every node (subgraphs of If / Loop / Scan included) with
// the opset the model imports for their domain, and which initializers live in external files.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'int8' | 'uint8' | 'bool' | 'bfloat16' | 'string' | 'other';

const ELEM: Record<number, ElemType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool', 10: 'float16', 16: 'bfloat16' };

export interface GraphValue {
  name: string;
  type: ElemType;
  /** A number is fixed; a string is symbolic (dim_param); null is unknown. */
  dims: (number | string | null)[];
}

export interface GraphOp {
  /** '' is the default ONNX domain (ai.onnx). */
  domain: string;
  op: string;
  /** The opset the model imports for the domain (0 when it imports none). */
  opset: number;
  count: number;
}

export interface GraphInfo {
  inputs: GraphValue[];
  outputs: GraphValue[];
  ops: GraphOp[];
  /** Nodes in the graph and its subgraphs. */
  nodes: number;
  /** External-data files the initializers name (ONNX `location`). */
  externalFiles: string[];
}

type IGraph = onnxProto.onnx.IGraphProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

function value(v: IValueInfo): GraphValue {
  const t = v.type?.tensorType;
  const dims = (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? num(d.dimValue) : null));
  return { name: v.name ?? '', type: ELEM[t?.elemType ?? 0] ?? 'other', dims };
}

/** Parses an ONNX model's declarations; throws a plain message for bytes that are not an ONNX model. */
export function readGraph(bytes: Uint8Array): GraphInfo {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new Error(`not an ONNX model (${(e as Error).message})`, { cause: e });
  }
  if (!model.graph) throw new Error('not an ONNX model (it has no graph)');
  const opsets = new Map<string, number>();
  for (const o of model.opsetImport ?? []) opsets.set(o.domain === 'ai.onnx' ? '' : (o.domain ?? ''), num(o.version));
  const counts = new Map<string, GraphOp>();
  const external = new Set<string>();
  let nodes = 0;
  const walk = (g: IGraph) => {
    for (const t of g.initializer ?? []) {
      const location = t.externalData?.find((e) => e.key === 'location')?.value;
      if (location) external.add(location);
    }
    for (const n of g.node ?? []) {
      nodes++;
      const domain = n.domain === 'ai.onnx' ? '' : (n.domain ?? '');
      const key = `${domain}:${n.opType}`;
      const entry = counts.get(key) ?? { domain, op: n.opType ?? '', opset: opsets.get(domain) ?? 0, count: 0 };
      entry.count++;
      counts.set(key, entry);
      for (const a of n.attribute ?? []) {
        if (a.g) walk(a.g);
        for (const sub of a.graphs ?? []) walk(sub);
      }
    }
  };
  walk(model.graph);
  const initNames = new Set((model.graph.initializer ?? []).map((t) => t.name));
  return {
    // Older exports list initializers among the inputs; they are not fed.
    inputs: (model.graph.input ?? []).filter((v) => !initNames.has(v.name)).map(value),
    outputs: (model.graph.output ?? []).map(value),
    ops: [...counts.values()].sort((a, b) => (a.domain + a.op < b.domain + b.op ? -1 : 1)),
    nodes,
    externalFiles: [...external],
  };
}
