// The tokenizer built from vocab.json + merges.txt against the fixture's own tokenizer.json (the
// same BPE written by scripts/fixtures), and golden ids from the fixture vocabulary.
import { CLIPTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { clipTokenizer } from '../../scripts/fixtures/tokenizers.ts';
import type { ModelFiles } from './files.ts';
import { loadClipTokenizer } from './tokenizer.ts';

const fixture = clipTokenizer();
const vocab = (fixture['tokenizer.json'] as { model: { vocab: Record<string, number>; merges: string[] } }).model;

function files(entries: Record<string, string>): ModelFiles {
  const get = (path: string) => (path in entries ? new TextEncoder().encode(entries[path]) : null);
  return {
    where: 'memory',
    readOptional: async (path) => get(path),
    read: async (path) => get(path) ?? Promise.reject(new Error(`${path} missing`)),
  };
}

const slowFiles = () => files({ 'tokenizer/vocab.json': JSON.stringify(vocab.vocab), 'tokenizer/merges.txt': ['#version: 0.2', ...vocab.merges, ''].join('\n') });

describe('CLIP tokenizer from the SD folder', () => {
  const texts = ['A photo of the red dog', 'the  blue   SKY, and a cat!', 'photographic 123 café', ''];

  it('tokenises like the fixture’s tokenizer.json, without BOS / EOS', async () => {
    const mine = await loadClipTokenizer(slowFiles());
    const reference = new CLIPTokenizer(fixture['tokenizer.json'], fixture['tokenizer_config.json']);
    for (const text of texts) expect(mine.encode(text)).toEqual(reference.encode(text, { add_special_tokens: false }));
    expect(mine.special).toEqual({ bos: 49406, eos: 49407, pad: 49407 });
  });

  it('golden ids: whole words from the merges, lower-cased, punctuation split off', async () => {
    const mine = await loadClipTokenizer(slowFiles());
    const v = vocab.vocab;
    expect(mine.encode('The RED dog')).toEqual([v['the</w>'], v['red</w>'], v['dog</w>']]);
    expect(mine.encode('sky!')).toEqual([v['sky</w>'], v['!</w>']]);
    expect(mine.encode('photo photo').length).toBe(2);
  });

  it('uses tokenizer/tokenizer.json when the folder has one', async () => {
    const mine = await loadClipTokenizer(files({ 'tokenizer/tokenizer.json': JSON.stringify(fixture['tokenizer.json']), 'tokenizer/tokenizer_config.json': JSON.stringify(fixture['tokenizer_config.json']) }));
    expect(mine.encode('red cat')).toEqual([vocab.vocab['red</w>'], vocab.vocab['cat</w>']]);
  });

  it('says which file is missing', async () => {
    await expect(loadClipTokenizer(files({}))).rejects.toThrow(/vocab.json missing/);
  });
});
