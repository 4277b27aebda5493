import { describe, expect, it } from 'vitest';
import { checkModelId, fileURL, hubSource, pathSegments, selfSource, sourceLabel } from './sources.ts';

const ref = { id: 'Xenova/clip-vit-large-patch14', revision: 'main' };

describe('model sources', () => {
  it.each([
    [hubSource(), 'onnx/vision_model_quantized.onnx', 'https://huggingface.co/Xenova/clip-vit-large-patch14/resolve/main/onnx/vision_model_quantized.onnx'],
    [hubSource('https://hf-mirror.example/'), 'config.json', 'https://hf-mirror.example/Xenova/clip-vit-large-patch14/resolve/main/config.json'],
    [hubSource('http://127.0.0.1:9000/s/t1'), 'a b/c#d.json', 'http://127.0.0.1:9000/s/t1/Xenova/clip-vit-large-patch14/resolve/main/a%20b/c%23d.json'],
    [selfSource(), 'onnx/model.onnx', '/models/Xenova/clip-vit-large-patch14/onnx/model.onnx'],
    [selfSource('/app/models'), 'config.json', '/app/models/Xenova/clip-vit-large-patch14/config.json'],
  ])('%o + %s → %s', (source, path, url) => {
    expect(fileURL(source, ref, path)).toBe(url);
  });

  it('encodes the revision (a branch name may hold a slash)', () => {
    expect(fileURL(hubSource(), { id: 'gpt2', revision: 'refs/pr/1' }, 'config.json')).toBe('https://huggingface.co/gpt2/resolve/refs%2Fpr%2F1/config.json');
  });

  it('refuses ids and paths that could leave a folder, and hosts that are not http(s) URLs', () => {
    for (const id of ['../x', 'a/../b', 'a/b/c', '/a', '', 'a//b']) expect(() => checkModelId(id), id).toThrow(/Not a model repository id/);
    for (const path of ['', '/abs', 'a/../b', 'a//b', './a', 'a/..', 'a\\b']) expect(() => pathSegments(path), path).toThrow(/Not a file path/);
    expect(() => hubSource('ftp://mirror')).toThrow(/http/);
    expect(() => hubSource('huggingface.co')).toThrow();
    expect(() => hubSource('https://m.example/?x=1')).toThrow(/query/);
    expect(pathSegments('unet/model.onnx')).toEqual(['unet', 'model.onnx']);
  });

  it('labels sources for messages', () => {
    expect(sourceLabel(hubSource())).toBe('huggingface.co');
    expect(sourceLabel(hubSource('http://127.0.0.1:9000/s/t1'))).toBe('127.0.0.1:9000');
    expect(sourceLabel(selfSource())).toBe('this site');
  });
});
