/**
 * The SD text encoder's CLIP tokenizer, from the model folder's tokenizer files, tokenised by
 * transformers.js' CLIPTokenizer. SD exports ship the slow tokenizer's `tokenizer/vocab.json` and
 * `merges.txt` (often without `tokenizer.json`, which AutoTokenizer would need): this builds the
 * tokenizer.json those two files define (CLIP's normaliser, pre-tokeniser, `</w>` BPE) and hands
 * it to the same class. A folder that has `tokenizer/tokenizer.json` is used as it is.
 */
import { CLIPTokenizer } from '@huggingface/transformers';
import { json, type ModelFiles } from './files.ts';
import { CLIP_SPECIAL, type SpecialIds } from './prompt.ts';

export interface ClipTokens {
  /** Token ids without BOS / EOS. */
  encode(text: string): number[];
  special: SpecialIds;
}

const BOS = '<|startoftext|>';
const EOS = '<|endoftext|>';
// CLIP's word pattern (openai/CLIP simple_tokenizer; the Split of HF's tokenizer.json).
const CLIP_PATTERN = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

/** tokenizer.json for CLIP's BPE from vocab.json and merges.txt. */
export function clipTokenizerJson(vocab: Record<string, number>, merges: string): object {
  const lines = merges.split('\n').filter((l, i) => l.trim() && !(i === 0 && l.startsWith('#version')));
  for (const token of [BOS, EOS]) if (!(token in vocab)) throw new Error(`vocab.json has no ${token}: not a CLIP tokenizer`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(BOS, vocab[BOS]), special(EOS, vocab[EOS])],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_PATTERN }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [EOS, vocab[EOS]], cls: [BOS, vocab[BOS]], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: lines,
    },
  };
}

const DEFAULT_CONFIG = { tokenizer_class: 'CLIPTokenizer', bos_token: BOS, eos_token: EOS, pad_token: EOS, unk_token: EOS, do_lower_case: true, model_max_length: 77 };

export async function loadClipTokenizer(files: ModelFiles): Promise<ClipTokens> {
  const [full, configBytes] = await Promise.all([files.readOptional('tokenizer/tokenizer.json'), files.readOptional('tokenizer/tokenizer_config.json')]);
  const config = { ...DEFAULT_CONFIG, ...(configBytes ? (json(configBytes) as object) : {}) };
  let tokenizerJson: object;
  if (full) tokenizerJson = json(full) as object;
  else {
    const [vocab, merges] = await Promise.all([files.read('tokenizer/vocab.json'), files.read('tokenizer/merges.txt')]);
    tokenizerJson = clipTokenizerJson(json(vocab) as Record<string, number>, new TextDecoder().decode(merges));
  }
  const tokenizer = new CLIPTokenizer(tokenizerJson, config);
  const id = (value: number | null | undefined, fallback: number) => (typeof value === 'number' && value >= 0 ? value : fallback);
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    special: { bos: id(tokenizer.bos_token_id, CLIP_SPECIAL.bos), eos: id(tokenizer.eos_token_id, CLIP_SPECIAL.eos), pad: id(tokenizer.pad_token_id, CLIP_SPECIAL.pad) },
  };
}
