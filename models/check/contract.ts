// The I/O signature a file declares against the contract in models/manifest.ts: every name the app
// feeds or reads, its element type (`float` = the variant's float type), its rank, and every dim the
// contract fixes (a number, or a `{ cfg }` value from the model's config.json). Symbolic dims in the
// contract may be fixed in a file (an export at one size); the opposite is a mismatch.
import { type Dim, type SessionSpec, type TensorSpec, ioNames } from '../manifest.ts';
import type { GraphValue } from './graph.ts';

export interface ContractResult {
  ok: boolean;
  /** What differs, one phrase per problem; empty when ok. */
  problems: string[];
  /** Things worth saying that are not failures (inputs the contract does not name). */
  notes: string[];
}

/** How many layers a file repeats `{i}` names for (past_key_values.<i>.key …). */
export function layersIn(spec: SessionSpec, values: readonly GraphValue[]): number {
  const pattern = spec.inputs.find((t) => t.name.includes('{i}'));
  if (!pattern) return 0;
  const [head, tail] = pattern.name.split('{i}');
  const re = new RegExp(`^${head.replace(/\./g, '\\.')}(\\d+)${tail.replace(/\./g, '\\.')}$`);
  return values.filter((v) => re.test(v.name)).length;
}

const showDims = (dims: readonly (number | string | null)[]) => `[${dims.map((d) => d ?? '?').join(', ')}]`;

function expected(spec: TensorSpec, name: string, ioFloat: string): { name: string; type: string; dims: Dim[] } {
  return { name, type: spec.dtype === 'float' ? ioFloat : spec.dtype, dims: spec.dims };
}

function compare(kind: 'input' | 'output', want: { name: string; type: string; dims: Dim[] }, have: GraphValue | undefined, config: Record<string, unknown>): string[] {
  if (!have) return [`${kind} '${want.name}' is missing`];
  const out: string[] = [];
  if (have.type !== want.type) out.push(`${kind} '${want.name}' is ${have.type}, the contract says ${want.type}`);
  if (have.dims.length !== want.dims.length) {
    out.push(`${kind} '${want.name}' has ${have.dims.length} dims ${showDims(have.dims)}, the contract says ${want.dims.length}`);
    return out;
  }
  want.dims.forEach((d, i) => {
    const value = typeof d === 'object' ? config[d.cfg] : d;
    const got = have.dims[i];
    if (typeof value === 'number' && got !== value) out.push(`${kind} '${want.name}' dim ${i} is ${got ?? '?'}, the contract says ${value}${typeof d === 'object' ? ` (${d.cfg} in config.json)` : ''}`);
  });
  return out;
}

/**
 * Checks a file's inputs and outputs against a session of the manifest. `config` holds the model's
 * config.json values (for `{ cfg }` dims; a key it lacks is not checked). `strictInputs`: an input the
 * contract does not name is a failure (raw ORT sessions, which the app feeds itself); transformers.js
 * feeds what a file asks for, so there it is only noted.
 */
export function checkContract(
  spec: SessionSpec,
  file: { inputs: readonly GraphValue[]; outputs: readonly GraphValue[] },
  ioFloat: 'float32' | 'float16',
  config: Record<string, unknown> = {},
  strictInputs = true,
): ContractResult {
  const layers = layersIn(spec, file.inputs);
  const names = ioNames(spec, layers);
  const problems: string[] = [];
  const notes: string[] = [];
  const expectedLayers = config.num_hidden_layers;
  if (spec.inputs.some((t) => t.name.includes('{i}'))) {
    if (layers === 0) problems.push('no past_key_values inputs (the KV cache)');
    else if (typeof expectedLayers === 'number' && layers !== expectedLayers) problems.push(`${layers} cache layers, config.json says num_hidden_layers ${expectedLayers}`);
  }
  const specOf = (list: TensorSpec[], name: string) => list.find((t) => t.name === name || (t.name.includes('{i}') && new RegExp(`^${t.name.replace(/\./g, '\\.').replace('{i}', '\\d+')}$`).test(name)))!;
  for (const name of names.inputs) problems.push(...compare('input', expected(specOf(spec.inputs, name), name, ioFloat), file.inputs.find((v) => v.name === name), config));
  for (const name of names.outputs) problems.push(...compare('output', expected(specOf(spec.outputs, name), name, ioFloat), file.outputs.find((v) => v.name === name), config));
  const extra = file.inputs.filter((v) => !names.inputs.includes(v.name)).map((v) => `'${v.name}'`);
  if (extra.length) (strictInputs ? problems : notes).push(`input${extra.length > 1 ? 's' : ''} ${extra.join(', ')} not in the contract${strictInputs ? ' (the app does not feed them)' : ' (transformers.js feeds them)'}`);
  return { ok: problems.length === 0, problems, notes };
}
