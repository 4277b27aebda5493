import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../../../scripts/fixtures/generate.ts';
import { ModelContentError } from './errors.ts';
import { checkComplete, checkContentType, checkSize, checkStart, fileKind, looksLikeOnnx } from './verify.ts';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);
const reader = (data: Uint8Array) => async (start: number, end: number) => data.slice(start, end);
const problem = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof ModelContentError ? error.problem : `other: ${error}`;
  }
  return null;
};

function safetensors(header: object, dataBytes: number): Uint8Array {
  const json = text(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  return out;
}

describe('file kinds', () => {
  it.each([
    ['onnx/model_quantized.onnx', 'onnx'],
    ['onnx/decoder_model_merged.onnx_data', 'onnx_data'],
    ['onnx/model.onnx.data', 'onnx_data'],
    ['onnx/model.onnx_data_1', 'onnx_data'],
    ['config.json', 'json'],
    ['weights/region_head.safetensors', 'safetensors'],
    ['ort.wasm', 'wasm'],
    ['tokenizer/merges.txt', 'other'],
  ])('%s is %s', (path, kind) => expect(fileKind(path)).toBe(kind));
});

describe('content checks', () => {
  it('accepts the start of every generated fixture model and of real exports', () => {
    const fixture = readFileSync(`${FIXTURES_DIR}/Xenova/flan-t5-base/onnx/encoder_model_quantized.onnx`);
    expect(looksLikeOnnx(fixture.subarray(0, 64))).toBe(true);
    expect(looksLikeOnnx(bytes(0x08, 0x07, 0x12, 0x07, ...text('pytorch')))).toBe(true); // torch.onnx.export
    expect(looksLikeOnnx(bytes(0x08, 0x08, 0x3a, 0x90, 0x01))).toBe(true); // ir 8, then the graph
    expect(looksLikeOnnx(bytes(0x08, 0x0a, 0x42, 0x04))).toBe(true); // ir 10, then opset_import
  });

  it.each([
    ['an HTML page', text('<!DOCTYPE html><html>')],
    ['an HTML page after whitespace and a BOM', bytes(0xef, 0xbb, 0xbf, 0x0a, 0x20, ...text('<html><body>502'))],
    ['an S3 XML error', text('<?xml version="1.0"?><Error><Code>AccessDenied</Code>')],
    ['a Git LFS pointer', text('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n')],
    ['zeros', new Uint8Array(64)],
    ['ir_version 0', bytes(0x08, 0x00, 0x12, 0x01)],
    ['ir_version 99', bytes(0x08, 0x63, 0x12, 0x01)],
    ['an unknown field after ir_version', bytes(0x08, 0x08, 0x4a, 0x01)], // field 9
    ['the right field with the wrong wire type', bytes(0x08, 0x08, 0x38, 0x01)], // field 7 as varint
    ['a JSON file', text('{"a": 1}')],
  ])('refuses %s as ONNX', (_, head) => {
    expect(problem(() => checkStart('onnx/model.onnx', head, null))).toMatch(/^(html|lfs-pointer|not-onnx)$/);
  });

  it('names the problem', () => {
    expect(problem(() => checkStart('config.json', text('<!doctype html>'), null))).toBe('html');
    expect(problem(() => checkStart('model.onnx_data', text('version https://git-lfs.github.com/spec/v1'), null))).toBe('lfs-pointer');
    expect(problem(() => checkStart('config.json', text('Not Found'), null))).toBe('not-json');
    expect(problem(() => checkStart('ort.wasm', text('<!-- x -->'), null))).toBe('not-wasm');
    expect(problem(() => checkStart('ort.wasm', bytes(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0), 8))).toBeNull();
    expect(problem(() => checkStart('model.onnx_data', new Uint8Array(64).fill(7), 64))).toBeNull(); // raw weights: any bytes
    expect(problem(() => checkContentType('model.onnx', 'text/html; charset=utf-8'))).toBe('html');
    expect(problem(() => checkContentType('model.onnx', 'application/octet-stream'))).toBeNull();
    expect(problem(() => checkContentType('config.json', null))).toBeNull();
    expect(problem(() => checkSize('a.onnx', 10, 11))).toBe('size');
    expect(problem(() => checkSize('a.onnx', 10, undefined))).toBeNull();
    expect(new ModelContentError('onnx/model.onnx', 'html').message).toBe(
      '"onnx/model.onnx" was refused: the server sent a web page (an error page or a login page) instead of the file. Nothing of it was saved.',
    );
  });

  it('checks whole JSON files, including a truncated one', async () => {
    const good = text('{"model_type": "t5", "d_model": 768}');
    await expect(checkComplete('config.json', good.length, reader(good))).resolves.toBeUndefined();
    const cut = good.slice(0, 20);
    await expect(checkComplete('config.json', cut.length, reader(cut))).rejects.toMatchObject({ problem: 'not-json' });
    const latin1 = bytes(0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d); // {"é":1} in Latin-1, not UTF-8
    await expect(checkComplete('config.json', latin1.length, reader(latin1))).rejects.toMatchObject({ problem: 'not-json' });
  });

  it('checks a safetensors header and that its tensors fill the file', async () => {
    const file = safetensors({ w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] }, __metadata__: {} }, 16);
    await expect(checkComplete('w.safetensors', file.length, reader(file))).resolves.toBeUndefined();
    const short = file.slice(0, file.length - 4);
    await expect(checkComplete('w.safetensors', short.length, reader(short))).rejects.toMatchObject({ problem: 'size' });
    expect(problem(() => checkStart('w.safetensors', file.subarray(0, 64), 10))).toBe('not-safetensors'); // header longer than the file
  });

  it('re-checks the start of a completed file', async () => {
    const page = text('<html><body>Bad Gateway</body></html>');
    await expect(checkComplete('onnx/model.onnx', page.length, reader(page))).rejects.toMatchObject({ problem: 'html' });
  });
});
