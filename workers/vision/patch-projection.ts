// Patch features for the region head: CLIP's final layer norm and visual projection applied to
// every patch token, as they are applied to the CLS token for `image_embeds` (shared/REFERENCE.md).
// A stock export outputs only `image_embeds` (transformers.js' conversion script; shared/REFERENCE.md),
// or that and the 1024-wide `last_hidden_state`; the projection's weights are inside the file but not
// an output, and without the declared hidden states they are found inside (locateHiddenState). This cuts the ops between the CLS selection
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

const producers = (m: OnnxModel) => new Map(m.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));

/**
 * The hidden states inside a vision export that does not declare them: the tensor that the token
 * selection nearest to `embedsOutput` (a Gather on axis 1 or a Slice, found breadth-first walking back
 * from the embeddings) reads. In CLIPVisionModelWithProjection that is the encoder's output, i.e.
 * `last_hidden_state` (the pooled output is post_layernorm(last_hidden_state[:, 0])).
 */
export function locateHiddenState(m: OnnxModel, embedsOutput = 'image_embeds'): string {
  if (!m.outputs.includes(embedsOutput)) throw new ProjectionUnavailable(`the CLIP vision export does not declare ${embedsOutput} (outputs: ${m.outputs.join(', ')})`);
  const producer = producers(m);
  const seen = new Set<OnnxNode>();
  const queue = [producer.get(embedsOutput)];
  while (queue.length) {
    const n = queue.shift();
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if ((n.opType === 'Gather' || n.opType === 'Slice') && selectsToken(n)) return n.inputs[0];
    queue.push(...n.inputs.map((i) => producer.get(i)));
  }
  throw new ProjectionUnavailable(`no token selection on the way to ${embedsOutput}; the hidden states cannot be found`);
}

/**
 * Bytes to append to a vision export that lacks `name` so that it declares it: a second GraphProto
 * holding one Identity node (hidden states → `name`) and the output. Protobuf merges a repeated
 * message field into the first, so `model + tail` is the same model with one more output, and no
 * byte of the (hundreds of MB) original is rewritten. Null when the export already declares `name`.
 */
export function hiddenStateTail(bytes: Uint8Array, name = 'last_hidden_state'): Uint8Array | null {
  const m = readModel(bytes);
  if (m.outputs.includes(name)) return null;
  const hidden = locateHiddenState(m);
  const w = new Writer();
  w.message(7, (g) => {
    g.message(1, (node) => node.string(1, hidden).string(2, name).string(3, `expose_${name}`).string(4, 'Identity'));
    floatValueInfo(g, 12, name, ['batch_size', 'tokens', 'hidden']);
  });
  return w.finish();
}

/** A CLIP vision export's file with `last_hidden_state` declared (unchanged when it already is). */
export async function exposeHiddenState(file: Blob): Promise<Blob> {
  const tail = hiddenStateTail(new Uint8Array(await file.arrayBuffer()));
  return tail ? new Blob([file, tail as Uint8Array<ArrayBuffer>]) : file;
}

export function deriveProjection(bytes: Uint8Array, hiddenOutput = 'last_hidden_state', embedsOutput = 'image_embeds'): ProjectionModel {
  const m: OnnxModel = readModel(bytes);
  if (!m.outputs.includes(embedsOutput)) throw new ProjectionUnavailable(`the CLIP vision export does not declare ${embedsOutput}; patch features cannot be computed (outputs: ${m.outputs.join(', ')})`);
  const producer = producers(m);
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of m.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  // Real exports do not declare the hidden states (shared/REFERENCE.md): then they are found inside.
  // A declared one may reach the graph output through Identity nodes (and be consumed before them).
  let hidden = m.outputs.includes(hiddenOutput) ? hiddenOutput : locateHiddenState(m, embedsOutput);
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
