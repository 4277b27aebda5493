// Which ops the WebGPU execution provider runs, so a graph can be checked before its session is
// created (and in Node, where there is no WebGPU at all).
//
// Source: onnxruntime-web's own operator table, `node_modules/onnxruntime-web/docs/webgpu-operators.md`
// (generated from the kernel definitions, shipped in the package at the commit in its
// `__commit.txt`, 8d85527a for 1.31.0-dev.20260914). `webgpu-ops.spec.ts` fails when the package's
// table and this copy differ, so an ORT upgrade cannot leave it stale. That table is written for the
// JSEP build; the app runs ORT's native WebGPU EP (`onnxruntime-web/webgpu`), which registers a few
// ops the table lacks: those are in OBSERVED, each proven on this build by
// `webgpu-ops.browser.spec.ts` (ORT's own placement log). An op in neither list is reported as
// unsupported: ORT places it on the CPU (a GPU → CPU → GPU round trip each run) or fails.

/** Operator → "domain(opset ranges); …" exactly as in the package's table. */
export const WEBGPU_TABLE: Readonly<Record<string, string>> = Object.freeze({
  Abs: "ai.onnx(6-12,13+)",
  Acos: "ai.onnx(7+)",
  Acosh: "ai.onnx(9+)",
  Add: "ai.onnx(7-12,13,14+)",
  ArgMax: "ai.onnx(1-10,11-12,13+)",
  ArgMin: "ai.onnx(1-10,11-12,13+)",
  Asin: "ai.onnx(7+)",
  Asinh: "ai.onnx(9+)",
  Atan: "ai.onnx(7+)",
  Atanh: "ai.onnx(9+)",
  Attention: "com.microsoft(1+)",
  AveragePool: "ai.onnx(7-9,10,11-18,19+); com.ms.internal.nhwc(7-9,10,11-18,19+)",
  BatchNormalization: "ai.onnx(7-8,9-13,14,15+); com.ms.internal.nhwc(7-8,9-13,14,15+)",
  BiasAdd: "com.microsoft(1+)",
  BiasSplitGelu: "com.microsoft(1+)",
  Cast: "ai.onnx(6-8,9-12,13-18,19-20,21+)",
  Ceil: "ai.onnx(6-12,13+)",
  Clip: "ai.onnx(6-10,11,12,13+)",
  Concat: "ai.onnx(1-3,4-10,11-12,13+)",
  Conv: "ai.onnx(1-10,11+); com.ms.internal.nhwc(1-10,11+)",
  ConvTranspose: "ai.onnx(1-10,11+); com.ms.internal.nhwc(1-10,11+)",
  Cos: "ai.onnx(7+)",
  Cosh: "ai.onnx(9+)",
  CumSum: "ai.onnx(11-13,14+)",
  DFT: "ai.onnx(17-19,20+)",
  DepthToSpace: "ai.onnx(11-12,13+); com.ms.internal.nhwc(11-12,13+)",
  DequantizeLinear: "ai.onnx(10-12,13-18,19-20,21+)",
  Div: "ai.onnx(7-12,13,14+)",
  Einsum: "ai.onnx(12+)",
  Elu: "ai.onnx(6+)",
  Equal: "ai.onnx(7-10,11-12,13-18,19+)",
  Erf: "ai.onnx(9-12,13+)",
  Exp: "ai.onnx(6-12,13+)",
  Expand: "ai.onnx(8-12,13+)",
  FastGelu: "com.microsoft(1+)",
  Flatten: "ai.onnx(1-8,9-10,11-12,13-20,21+)",
  Floor: "ai.onnx(6-12,13+)",
  FusedConv: "com.microsoft(1+)",
  Gather: "ai.onnx(1-10,11-12,13+)",
  GatherBlockQuantized: "com.microsoft(1+)",
  GatherElements: "ai.onnx(11-12,13+)",
  GatherND: "ai.onnx(11,12,13+)",
  Gelu: "ai.onnx(20+); com.microsoft(1+)",
  Gemm: "ai.onnx(7-8,9-10,11-12,13+)",
  GlobalAveragePool: "ai.onnx(1+); com.ms.internal.nhwc(1+)",
  GlobalMaxPool: "ai.onnx(1+); com.ms.internal.nhwc(1+)",
  Greater: "ai.onnx(7-8,9-12,13+)",
  GreaterOrEqual: "ai.onnx(12-15,16+)",
  GridSample: "ai.onnx(16-19); com.ms.internal.nhwc(16-19)",
  GroupQueryAttention: "com.microsoft(1+)",
  HardSigmoid: "ai.onnx(6+)",
  HardSwish: "ai.onnx(14+)",
  If: "ai.onnx(1-10,11-12,13-18,19-20,21+)",
  InstanceNormalization: "ai.onnx(6+); com.ms.internal.nhwc(6+)",
  LayerNormalization: "ai.onnx(1-16,17+)",
  LeakyRelu: "ai.onnx(6-15,16+)",
  Less: "ai.onnx(7-8,9-12,13+)",
  LessOrEqual: "ai.onnx(12-15,16+)",
  Log: "ai.onnx(6-12,13+)",
  MatMul: "ai.onnx(1-12,13+)",
  MatMulNBits: "com.microsoft(1+)",
  MaxPool: "ai.onnx(1-7,8-9,10,11,12+); com.ms.internal.nhwc(1-7,8-9,10,11,12+)",
  MemcpyFromHost: "ai.onnx(1+)",
  MemcpyToHost: "ai.onnx(1+)",
  Mul: "ai.onnx(7-12,13,14+)",
  MultiHeadAttention: "com.microsoft(1+)",
  Neg: "ai.onnx(6-12,13+)",
  Not: "ai.onnx(1+)",
  Pad: "ai.onnx(2-10,11-12,13-17,18,19-20,21+)",
  Pow: "ai.onnx(7-11,12,13-14,15+)",
  QuickGelu: "com.microsoft(1+)",
  Range: "ai.onnx(11+)",
  Reciprocal: "ai.onnx(6-12,13+)",
  ReduceL1: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceL2: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceLogSum: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceLogSumExp: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceMax: "ai.onnx(1-10,11,12,13-17,18-19,20+)",
  ReduceMean: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceMin: "ai.onnx(1-10,11,12,13-17,18-19,20+)",
  ReduceProd: "ai.onnx(1-10,11-12,13-17,18+)",
  ReduceSum: "ai.onnx(1-10,11-12,13+)",
  ReduceSumSquare: "ai.onnx(1-10,11-12,13-17,18+)",
  Relu: "ai.onnx(6-12,13,14+)",
  Reshape: "ai.onnx(5-12,13,14-18,19-20,21+)",
  Resize: "ai.onnx(10,11-12,13-17,18,19+); com.ms.internal.nhwc(10,11-12,13-17,18,19+)",
  RotaryEmbedding: "com.microsoft(1+)",
  ScatterND: "ai.onnx(11-12,13-15,16-17,18+)",
  Shape: "ai.onnx(1-12,13-14,15-18,19-20,21+)",
  Sigmoid: "ai.onnx(6-12,13+)",
  SimplifiedLayerNormalization: "ai.onnx(1+)",
  Sin: "ai.onnx(7+)",
  Sinh: "ai.onnx(9+)",
  SkipLayerNormalization: "com.microsoft(1+)",
  SkipSimplifiedLayerNormalization: "com.microsoft(1+)",
  Slice: "ai.onnx(1-9,10,11-12,13+)",
  Softmax: "ai.onnx(1-10,11-12,13+)",
  Split: "ai.onnx(1,2-10,11-12,13-17,18+)",
  Sqrt: "ai.onnx(6-12,13+)",
  Squeeze: "ai.onnx(1-10,11-12,13-20,21+)",
  Sub: "ai.onnx(7-12,13,14+)",
  Tan: "ai.onnx(7+)",
  Tanh: "ai.onnx(6-12,13+)",
  ThresholdedRelu: "ai.onnx(10+)",
  Tile: "ai.onnx(6-12,13+)",
  Transpose: "ai.onnx(1-12,13-20,21+)",
  Unsqueeze: "ai.onnx(1-10,11-12,13-20,21+)",
  Where: "ai.onnx(9-15,16+)",
});

/**
 * Ops of the default domain that the native WebGPU EP of this build places on WebGPU although the
 * table above lacks them (webgpu-ops.browser.spec.ts creates a one-node session for each and reads
 * the placement log). Min and Identity also appear in every SD graph models/build writes, whose
 * placement spec shows all nodes on WebGPU.
 */
export const OBSERVED: Readonly<Record<string, string>> = Object.freeze({
  Identity: 'ai.onnx(1+)',
  Min: 'ai.onnx(1+)',
  Max: 'ai.onnx(1+)',
});

/** Nodes ORT removes while creating a session (constant folding), so they are never placed anywhere. */
export const FOLDED: ReadonlySet<string> = new Set(['Constant']);

const DOMAIN_NAMES: Readonly<Record<string, string>> = { 'ai.onnx': '', 'com.microsoft': 'com.microsoft', 'com.ms.internal.nhwc': 'com.ms.internal.nhwc' };

interface Range {
  from: number;
  to: number;
}

/** "ai.onnx(7-12,13,14+); com.microsoft(1+)" → domain → opset ranges. */
export function parseSupport(text: string): Map<string, Range[]> {
  const out = new Map<string, Range[]>();
  for (const part of text.split(';')) {
    const m = part.trim().match(/^([\w.]+)\(([^)]*)\)$/);
    if (!m) throw new Error(`unreadable opset entry "${part.trim()}"`);
    const domain = DOMAIN_NAMES[m[1]] ?? m[1];
    const ranges = m[2].split(',').map((r): Range => {
      const s = r.trim();
      if (s.endsWith('+')) return { from: Number(s.slice(0, -1)), to: Infinity };
      const [a, b] = s.split('-').map(Number);
      return { from: a, to: b ?? a };
    });
    out.set(domain, [...(out.get(domain) ?? []), ...ranges]);
  }
  return out;
}

const SUPPORT = new Map<string, Map<string, Range[]>>();
for (const [op, text] of [...Object.entries(WEBGPU_TABLE), ...Object.entries(OBSERVED)]) SUPPORT.set(op, parseSupport(text));

export type OpSupport = 'supported' | 'folded' | 'unsupported' | 'opset';

/**
 * Whether the WebGPU EP has a kernel for `op` of `domain` at the opset the model imports. A kernel
 * registered since version v serves every opset from v up to its end; 'opset' means the op exists
 * but not at this model's opset.
 */
export function webgpuSupport(domain: string, op: string, opset: number): OpSupport {
  if (domain === '' && FOLDED.has(op)) return 'folded';
  const ranges = SUPPORT.get(op)?.get(domain);
  if (!ranges) return 'unsupported';
  return ranges.some((r) => opset >= r.from && opset <= r.to) ? 'supported' : 'opset';
}

/** Whether the WebGPU EP has a kernel for an op of any domain at any opset (for ORT's placement log, which names op types only). */
export const hasWebgpuKernel = (op: string): boolean => SUPPORT.has(op) || FOLDED.has(op);
