import { describe, expect, it } from 'vitest';
import { DiffusionError } from '../diffusion/errors.ts';
import { failedRole, loadFailure, loadingFiles, LOAD_FAILURE } from './load-failure.ts';

describe('load failures name their model', () => {
  it('wraps a load failure with the role, and reads it back after crossing comlink (message and name only)', async () => {
    const error = await loadingFiles('clipseg', () => Promise.reject(new Error('Failed to load model because protobuf parsing failed.'))).catch((e: unknown) => e as Error);
    expect(error.name).toBe(LOAD_FAILURE);
    expect(error.message).toBe('The clipseg model could not be loaded from its files (Failed to load model because protobuf parsing failed.).');
    const crossed = Object.assign(new Error(error.message), { name: error.name });
    expect(failedRole(crossed)).toBe('clipseg');
  });

  it('leaves device failures alone: new files would not cure them', () => {
    for (const message of ['Out of memory', 'the program requires f16', 'failed to allocate a buffer']) {
      const e = loadFailure('vlm', new Error(message));
      expect([e.message, failedRole(e)]).toEqual([message, null]);
    }
  });

  it('maps the diffusion worker’s model-files errors to the SD model, and nothing else', () => {
    expect(failedRole(new DiffusionError('model-files', 'unet/config.json: 404'))).toBe('sd-inpaint');
    expect(failedRole(new DiffusionError('out-of-memory', 'no memory'))).toBeNull();
    expect(failedRole(new Error('The nonsense model could not be loaded from its files (x).'))).toBeNull();
    expect(failedRole('text')).toBeNull();
  });

  it('wraps once', () => {
    const once = loadFailure('clip-text', new Error('bad'));
    expect(loadFailure('clip-vision', once)).toBe(once);
  });
});
