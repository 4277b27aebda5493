// Patch features for the region head: CLIP's final layer norm and visual projection applied to
// every patch token, as they are applied to the CLS token for `image_embeds` (shared/REFERENCE.md).
// A stock export outputs only `image_embeds` and the 1024-wide `last_hidden_state`; the projection's
// weights are inside the file but not an output. This cuts the ops between the CLS selection
// (Gather/Slice on the token axis, then Squeeze) and `image_embeds` out of the vision model into a
// small model of their own, whose input is the selected hidden state: fed all tokens instead of
// CLS, it gives all tokens projected. The ops are per-token (LayerNorm over the last axis, MatMul,
// Add, dynamic quantisation), so they broadcast over the extra token axis. Nodes and weights are
// copied byte for byte, quantised ones included.
import { Writer, floatValueInfo, readModel, type OnnxModel, type OnnxNode } from './onnx-wire.ts';

export interface ProjectionModel {
  /** The derived ONNX model: [batch, tokens, hidden] → [batch, tokens, projection]. */
  bytes: Uint8Array;
  input: string;
  output: string;
  /** Op types of the selection that was cut away (e.g. ['Gather'] or ['Slice', 'Squeeze']). */
  selection: string[];
  /** Op types kept, in order. */
  ops: string[];
}

export class ProjectionUnavailable extends Error {
  override readonly name = 'ProjectionUnavailable';
}

const SELECT = new Set(['Gather', 'Slice', 'Squeeze', 'Identity']);

/** Gather on axis 1, or a Slice / Squeeze (whose axes are inputs or attributes we accept as the token axis). */
function selectsToken(n: OnnxNode): boolean {
  if (n.opType === 'Gather') return (n.attributes.find((a) => a.name === 'axis')?.i ?? 0) === 1;
  return SELECT.has(n.opType);
}

export function deriveProjection(bytes: Uint8Array, hiddenOutput = 'last_hidden_state', embedsOutput = 'image_embeds'): ProjectionModel {
  const m: OnnxModel = readModel(bytes);
  for (const name of [hiddenOutput, embedsOutput]) {
    if (!m.outputs.includes(name)) throw new ProjectionUnavailable(`the CLIP vision export does not declare ${name}; patch features cannot be computed (outputs: ${m.outputs.join(', ')})`);
  }
  const producer = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of m.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  // The hidden state may reach the graph output through Identity nodes (and be consumed before them).
  let hidden = hiddenOutput;
  while (producer.get(hidden)?.opType === 'Identity') hidden = producer.get(hidden)!.inputs[0];

  // Nodes on the way from the hidden state to the embeddings.
  const toEmbeds = new Set<OnnxNode>();
  const back = [embedsOutput];
  while (back.length) {
    const n = producer.get(back.pop()!);
    if (!n || toEmbeds.has(n)) continue;
    toEmbeds.add(n);
    back.push(...n.inputs);
  }
  // Walk the selection chain from the hidden state: Gather/Slice picks CLS, Squeeze drops the axis.
  let cut = hidden;
  const selection: string[] = [];
  for (;;) {
    const next = (consumers.get(cut) ?? []).filter((n) => toEmbeds.has(n));
    if (next.length !== 1 || !selectsToken(next[0])) break;
    if (next[0].opType !== 'Identity') selection.push(next[0].opType);
    cut = next[0].outputs[0];
  }
  if (!selection.some((op) => op === 'Gather' || op === 'Slice')) {
    throw new ProjectionUnavailable(`no token selection between ${hiddenOutput} and ${embedsOutput}; patch features cannot be computed`);
  }
  // Everything image_embeds needs, given the cut tensor: it must not reach the image or the hidden state another way.
  const needed = new Set<OnnxNode>();
  const inits = new Map(m.initializers.map((t) => [t.name, t]));
  const usedInits = new Set<string>();
  const stack = [embedsOutput];
  while (stack.length) {
    const t = stack.pop()!;
    if (t === cut || t === '') continue;
    if (inits.has(t)) {
      usedInits.add(t);
      continue;
    }
    const n = producer.get(t);
    if (!n) throw new ProjectionUnavailable(`${embedsOutput} depends on ${t} beyond the CLS token; patch features cannot be computed`);
    if (t === hidden) throw new ProjectionUnavailable(`${embedsOutput} reads the hidden state beyond the CLS token`);
    if (needed.has(n)) continue;
    needed.add(n);
    stack.push(...n.inputs);
  }
  const kept = m.nodes.filter((n) => needed.has(n));
  for (const name of usedInits) if (inits.get(name)!.external) throw new ProjectionUnavailable(`${name} is stored outside the ONNX file`);

  const w = new Writer();
  w.int(1, m.irVersion);
  w.string(2, 'instruct-edit patch projection');
  for (const o of m.opsets) w.bytes(8, o);
  for (const fn of m.functions) w.bytes(25, fn);
  w.message(7, (g) => {
    for (const n of kept) g.bytes(1, n.raw);
    g.string(2, 'patch_projection');
    for (const t of m.initializers) if (usedInits.has(t.name)) g.bytes(5, t.raw);
    floatValueInfo(g, 11, cut, ['batch', 'tokens', 'hidden']);
    floatValueInfo(g, 12, embedsOutput);
  });
  return { bytes: w.finish(), input: cut, output: embedsOutput, selection, ops: kept.map((n) => n.opType) };
}
