// The op table is the package's own: this copy must match node_modules/onnxruntime-web/docs, so an
// ORT upgrade that changes the table fails here instead of leaving the check stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WEBGPU_TABLE, parseSupport, webgpuSupport } from './webgpu-ops.ts';

const ortDir = fileURLToPath(new URL('../../node_modules/onnxruntime-web/', import.meta.url));

describe('WebGPU op table', () => {
  it('is the table shipped with the installed onnxruntime-web', () => {
    const doc = readFileSync(join(ortDir, 'docs', 'webgpu-operators.md'), 'utf8');
    const rows = Object.fromEntries([...doc.matchAll(/^\| (\w+) \| ([^|]+) \|/gm)].filter((m) => m[1] !== 'Operator').map((m) => [m[1], m[2].trim()]));
    expect(WEBGPU_TABLE).toEqual(rows);
    expect(readFileSync(join(ortDir, '__commit.txt'), 'utf8').trim()).toMatch(/^8d85527a/);
  });

  it('parses opset ranges per domain', () => {
    const s = parseSupport('ai.onnx(7-12,13,14+); com.ms.internal.nhwc(11+)');
    expect(s.get('')).toEqual([{ from: 7, to: 12 }, { from: 13, to: 13 }, { from: 14, to: Infinity }]);
    expect(s.get('com.ms.internal.nhwc')).toEqual([{ from: 11, to: Infinity }]);
    expect(() => parseSupport('nonsense')).toThrow('unreadable opset entry "nonsense"');
  });

  it.each([
    ['', 'Add', 17, 'supported'],
    ['', 'Add', 6, 'opset'], // Add's kernels start at 7
    ['', 'GridSample', 20, 'opset'], // 16-19 only
    ['com.microsoft', 'MatMulNBits', 1, 'supported'],
    ['com.microsoft', 'Add', 1, 'unsupported'],
    ['', 'Min', 17, 'supported'], // observed on the native EP
    ['', 'Mod', 17, 'unsupported'],
    ['', 'NonZero', 17, 'unsupported'],
    ['', 'Constant', 17, 'folded'],
  ] as const)('%s %s at opset %i: %s', (domain, op, opset, want) => {
    expect(webgpuSupport(domain, op, opset)).toBe(want);
  });
});
