// Where a graph's learned parameters come from. The blocks ask for each parameter by its official
// name (diffusers / transformers) in the official layout (Linear [out, in], Conv [out, in, kh, kw],
// norms [c]); a source answers with a value of the graph's compute type:
// - `randomParams`: seeded values drawn by a WeightSource (fixtures, benchmarks), stored in the graph;
// - `safetensorsParams`: the bytes of an official safetensors file, referenced as ONNX external data
//   by offset and length (the file is never rewritten), cast to the compute type inside the graph
//   where the file's dtype differs (ORT folds that cast once, at session creation).
import { type Graph, type TensorType, type WeightInit, ONNX_TYPE } from './onnx-builder.ts';
import { type SafeHeader, type SafeTensor, SafetensorsError } from './safetensors.ts';

export interface Params {
  /**
   * Parameter `name` with official shape `dims`, as a value of the compute type; `view` stores the
   * same elements under another shape (a norm's [c] as [c, 1, 1] for NCHW broadcasting).
   */
  get(name: string, dims: readonly number[], init: WeightInit, view?: readonly number[]): string;
}

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Seeded parameters through the graph's WeightSource; with `tie`, one tensor per (kind, shape) serves every layer. */
export function randomParams(g: Graph, tie = false): Params {
  const tied = new Map<string, string>();
  return {
    get(name, dims, { scale, center = 0 }, view) {
      const shape = [...(view ?? dims)];
      if (!tie) return g.weight(name, shape, scale, center);
      const key = `${name.split('.').slice(-2).join('.')}|${shape.join('×')}`;
      let v = tied.get(key);
      if (!v) tied.set(key, (v = g.weight(`tied.${key.replace(/[|×]/g, '_')}`, shape, scale, center)));
      return v;
    },
  };
}

/** An official weight file: its name beside the graph (the external-data location) and its parsed header. */
export interface SafeFile {
  location: string;
  header: SafeHeader;
  /** Prepended to every requested name (e.g. `vision_model.` is spelled in the file, not by the blocks). */
  prefix?: string;
}

export interface SafetensorsParams extends Params {
  /** Tensors of the files the graph read; the rest (`unused()`) is a sign of a wrong configuration. */
  readonly used: Set<string>;
  unused(): string[];
}

const STORED: Partial<Record<SafeTensor['dtype'], TensorType>> = { F16: 'float16', F32: 'float32' };

/** Shapes equal once trailing 1s are dropped ([c, c, 1, 1] attention weights in old VAE files are Linear [c, c]). */
function sameShape(a: readonly number[], b: readonly number[]): boolean {
  const trim = (s: readonly number[]) => {
    const out = [...s];
    while (out.length > 1 && out[out.length - 1] === 1) out.pop();
    return out.join('×');
  };
  return trim(a) === trim(b);
}

/**
 * Parameters referenced in official safetensors files. `aliases` gives older spellings of a name
 * (the VAE's `query/key/value/proj_attn` before diffusers renamed them `to_q/to_k/to_v/to_out.0`).
 */
export function safetensorsParams(g: Graph, files: readonly SafeFile[], aliases: (name: string) => string[] = () => []): SafetensorsParams {
  const used = new Set<string>();
  const find = (name: string): [SafeFile, SafeTensor] | null => {
    for (const candidate of [name, ...aliases(name)]) {
      for (const f of files) {
        const t = f.header.tensors.get(`${f.prefix ?? ''}${candidate}`);
        if (t) return [f, t];
      }
    }
    return null;
  };
  return {
    used,
    unused: () => files.flatMap((f) => [...f.header.tensors.keys()].filter((k) => k.startsWith(f.prefix ?? '') && !used.has(k))),
    get(name, dims, _init, view) {
      const found = find(name);
      if (!found) throw new SafetensorsError(`${g.name}: the weight file has no tensor '${name}' (${files.map((f) => f.location).join(', ')}); the config and the weights do not match`);
      const [file, t] = found;
      if (!sameShape(t.shape, dims)) {
        throw new SafetensorsError(`${g.name}: '${t.name}' is [${t.shape.join(', ')}] in ${file.location}; the config implies [${dims.join(', ')}]`);
      }
      const type = STORED[t.dtype];
      if (!type) throw new SafetensorsError(`${g.name}: '${t.name}' is ${t.dtype}; only F16 and F32 files are read`);
      used.add(t.name);
      const shape = view ?? dims;
      if (count(shape) !== count(t.shape)) throw new SafetensorsError(`${g.name}: '${t.name}' cannot be viewed as [${shape.join(', ')}]`);
      const prefix = name.replace(/[^A-Za-z0-9_]/g, '_');
      const stored = g.externalTensor(type, shape, { location: file.location, offset: t.offset, length: t.length }, prefix);
      return type === g.compute ? stored : g.op('Cast', [stored], { to: ONNX_TYPE[g.compute] });
    },
  };
}

/** The VAE attention's pre-2023 names for a post-2023 name (`…attentions.0.to_q.weight` → `…attentions.0.query.weight`). */
export function vaeAttentionAliases(name: string): string[] {
  const renamed = name.replace(/\.to_q\./, '.query.').replace(/\.to_k\./, '.key.').replace(/\.to_v\./, '.value.').replace(/\.to_out\.0\./, '.proj_attn.');
  return renamed === name ? [] : [renamed];
}
