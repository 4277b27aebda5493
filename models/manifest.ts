// The real models behind each role: where they live, which files each dtype needs, what loads
// them and the names of their inputs and outputs. Test fixtures (scripts/fixtures/) are generated
// from this same description, so a test that passes on a fixture checks the contract of the real file.
//
// Facts marked `verified` were read from the model repositories' public file listings; everything
// else is marked unverified and must be checked against the real file at load (session input and
// output names are asserted by the model runtime).

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';

/** transformers.js file-name suffixes (utils/dtypes.js). */
export const DTYPE_SUFFIX: Readonly<Record<Dtype, string>> = Object.freeze({
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
});

/**
 * A dimension: a number is fixed in every export; a string is symbolic (dim_param) at run time;
 * `{ cfg }` is fixed in a given export but its value comes from that model's config.json.
 */
export type Dim = number | string | { cfg: string };

/** `float` is float32 or float16 according to the variant's `ioFloat`. */
export type IoType = 'float' | 'float32' | 'float16' | 'int64' | 'int32';

export interface TensorSpec {
  /** `{i}` stands for the layer index; such names repeat `num_hidden_layers` times. */
  name: string;
  dtype: IoType;
  dims: Dim[];
}

export interface SessionSpec {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** false where the names come from the conversion script or transformers.js, not from the file itself. */
  ioVerified: boolean;
}

export interface FileSpec {
  /** Path inside the repository. */
  path: string;
  /** Approximate size in bytes, or null where no listing was seen. */
  bytes: number | null;
  sizeVerified: boolean;
}

export interface VariantSpec {
  ioFloat: 'float32' | 'float16';
  /** Repository holding this variant, when it is not the role's `id`. */
  id?: string;
  files: Record<string, FileSpec>;
}

export type Loader =
  | { kind: 'transformers'; className: string; modelFileName?: string; processor?: string; tokenizer?: boolean }
  | { kind: 'ort' }
  /** Graphs built by models/build from official config.json + safetensors files; `files` name the weights. */
  | { kind: 'build' };

export interface RoleSpec {
  id: string;
  /** A commit hash where one was seen in the public listing, else "main". */
  revision: string;
  /** public: a repository on the Hub; project: an artifact this project builds and hosts (not yet published). */
  owner: 'public' | 'project';
  loader: Loader;
  /** Non-ONNX files the loader reads. */
  configFiles: string[];
  sessions: Record<string, SessionSpec>;
  variants: Partial<Record<Dtype, VariantSpec>>;
  notes: string;
}

export type Role = 'vlm' | 'vlm-small' | 'clip-vision' | 'clip-text' | 't5-encoder' | 'clipseg' | 'sd-inpaint' | 'region-head';

const MB = 1e6;
const GB = 1e9;
const cfg = (key: string): Dim => ({ cfg: key });
const f = (path: string, bytes: number | null, sizeVerified: boolean): FileSpec => ({ path, bytes, sizeVerified });
const onnxFile = (name: string, dtype: Dtype, bytes: number | null, sizeVerified: boolean) =>
  f(`onnx/${name}${DTYPE_SUFFIX[dtype]}.onnx`, bytes, sizeVerified);

const T = (name: string, dtype: IoType, dims: Dim[]): TensorSpec => ({ name, dtype, dims });

/** Qwen2-VL / Idefics3 style merged decoder with a KV cache (shapes as transformers.js reads them). */
function mergedDecoder(positionIds: Dim[]): SessionSpec {
  const kv: Dim[] = ['batch_size', cfg('num_key_value_heads'), 'past_sequence_length', cfg('head_dim')];
  const present: Dim[] = ['batch_size', cfg('num_key_value_heads'), 'total_sequence_length', cfg('head_dim')];
  return {
    ioVerified: false,
    inputs: [
      T('inputs_embeds', 'float32', ['batch_size', 'sequence_length', cfg('hidden_size')]),
      T('attention_mask', 'int64', ['batch_size', 'total_sequence_length']),
      T('position_ids', 'int64', positionIds),
      T('past_key_values.{i}.key', 'float', kv),
      T('past_key_values.{i}.value', 'float', kv),
    ],
    outputs: [
      T('logits', 'float', ['batch_size', 'sequence_length', cfg('vocab_size')]),
      T('present.{i}.key', 'float', present),
      T('present.{i}.value', 'float', present),
    ],
  };
}

const embedTokens: SessionSpec = {
  ioVerified: false,
  inputs: [T('input_ids', 'int64', ['batch_size', 'sequence_length'])],
  outputs: [T('inputs_embeds', 'float32', ['batch_size', 'sequence_length', cfg('hidden_size')])],
};


export const MANIFEST: Readonly<Record<Role, RoleSpec>> = {
  vlm: {
    id: 'onnx-community/Qwen2-VL-2B-Instruct',
    // Seen in the public listing ("Update config.json", after "Upload fixed vision encoder (#3)").
    revision: '187b05efd51ca56b19489f085aa2d7c7fa5078fc',
    owner: 'public',
    loader: { kind: 'transformers', className: 'Qwen2VLForConditionalGeneration', processor: 'AutoProcessor' },
    configFiles: ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    sessions: {
      embed_tokens: embedTokens,
      vision_encoder: {
        ioVerified: false,
        inputs: [T('pixel_values', 'float32', ['num_patches', 1176]), T('grid_thw', 'int64', ['num_images', 3])],
        outputs: [T('image_features', 'float32', ['num_merged_patches', cfg('hidden_size')])],
      },
      decoder_model_merged: mergedDecoder([3, 'batch_size', 'sequence_length']),
    },
    variants: {
      // Per-file sizes of the q4 / q4f16 files were not seen; shared/REFERENCE.md gives ≈ 2.7 GB in all for q4f16.
      q4f16: {
        ioFloat: 'float16',
        files: {
          embed_tokens: onnxFile('embed_tokens', 'q4f16', null, false),
          vision_encoder: onnxFile('vision_encoder', 'q4f16', null, false),
          decoder_model_merged: onnxFile('decoder_model_merged', 'q4f16', null, false),
        },
      },
      q4: {
        ioFloat: 'float32',
        files: {
          embed_tokens: onnxFile('embed_tokens', 'q4', null, false),
          vision_encoder: onnxFile('vision_encoder', 'q4', null, false),
          decoder_model_merged: onnxFile('decoder_model_merged', 'q4', null, false),
        },
      },
    },
    notes:
      'Text fields must sit at the top level of config.json (shared/FIXTURES.md). fp32 decoder weights are 6.17 GB and fp16 3.09 GB (external .onnx_data, verified): never for the browser. Whether q4f16 keeps float16 KV-cache and logits is unverified: the runtime reads the types from the session.',
  },
  'vlm-small': {
    id: 'HuggingFaceTB/SmolVLM-256M-Instruct',
    // Seen in the public listing after "Wrap fp16 inputs for ONNX decoder (#3)".
    revision: 'acc054744d60adea9d88214dab6e2219e6e512a7',
    owner: 'public',
    loader: { kind: 'transformers', className: 'Idefics3ForConditionalGeneration', processor: 'AutoProcessor' },
    configFiles: ['config.json', 'generation_config.json', 'preprocessor_config.json', 'processor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    sessions: {
      embed_tokens: embedTokens,
      vision_encoder: {
        ioVerified: false,
        inputs: [T('pixel_values', 'float32', ['batch_size', 'num_images', 3, 'height', 'width']), T('pixel_attention_mask', 'int64', ['batch_size', 'num_images', 'height', 'width'])],
        outputs: [T('image_features', 'float32', ['batch_size', 'num_image_tokens', cfg('hidden_size')])],
      },
      decoder_model_merged: mergedDecoder(['batch_size', 'sequence_length']),
    },
    variants: {
      q4f16: {
        ioFloat: 'float16',
        files: {
          embed_tokens: onnxFile('embed_tokens', 'q4f16', null, false),
          vision_encoder: onnxFile('vision_encoder', 'q4f16', 55 * MB, true),
          decoder_model_merged: onnxFile('decoder_model_merged', 'q4f16', 77.4 * MB, true),
        },
      },
      q4: {
        ioFloat: 'float32',
        files: {
          embed_tokens: onnxFile('embed_tokens', 'q4', null, false),
          vision_encoder: onnxFile('vision_encoder', 'q4', null, false),
          decoder_model_merged: onnxFile('decoder_model_merged', 'q4', 86.9 * MB, true),
        },
      },
    },
    notes: 'Fallback when the 2B VLM does not fit. No fixture yet: its I/O names above are unverified.',
  },
  'clip-vision': {
    id: 'Xenova/clip-vit-large-patch14',
    revision: 'main', // last commit seen: cb711f7 (short hash only; full hash not verified)
    owner: 'public',
    loader: { kind: 'transformers', className: 'CLIPVisionModelWithProjection', processor: 'AutoProcessor' },
    configFiles: ['config.json', 'preprocessor_config.json'],
    sessions: {
      vision_model: {
        ioVerified: false,
        inputs: [T('pixel_values', 'float32', ['batch_size', 3, 'height', 'width'])],
        // transformers.js' conversion script gives CLIP vision `image_embeds` only (shared/REFERENCE.md).
        // The region head needs the hidden states: the vision worker declares them on load
        // (workers/vision/patch-projection.ts exposeHiddenState) as `last_hidden_state` [batch, 257, 1024].
        outputs: [T('image_embeds', 'float32', ['batch_size', 768])],
      },
    },
    variants: {
      q8: { ioFloat: 'float32', files: { vision_model: onnxFile('vision_model', 'q8', 307 * MB, true) } },
    },
    notes:
      'Also in the repository (verified sizes): vision_model.onnx 1.22 GB, vision_model_fp16.onnx 609 MB. last_hidden_state is 1024 wide and unprojected; the region head wants 768-wide projected patch tokens (post-layernorm + visual projection per token, shared/REFERENCE.md). The projection weights are inside this ONNX file but not an output.',
  },
  'clip-text': {
    id: 'Xenova/clip-vit-large-patch14',
    revision: 'main',
    owner: 'public',
    loader: { kind: 'transformers', className: 'CLIPTextModelWithProjection', tokenizer: true },
    configFiles: ['config.json', 'tokenizer.json', 'tokenizer_config.json'],
    sessions: {
      text_model: {
        ioVerified: false,
        inputs: [T('input_ids', 'int64', ['batch_size', 'sequence_length'])],
        // text_embeds only (shared/REFERENCE.md); nothing here reads the text tower's hidden states.
        outputs: [T('text_embeds', 'float32', ['batch_size', 768])],
      },
    },
    variants: {
      q8: { ioFloat: 'float32', files: { text_model: onnxFile('text_model', 'q8', 125 * MB, true) } },
    },
    notes: 'Also in the repository (verified sizes): text_model.onnx 495 MB, text_model_fp16.onnx 248 MB. SD1.5 conditions on this same text tower; whether the export declares attention_mask is unverified.',
  },
  't5-encoder': {
    id: 'Xenova/flan-t5-base',
    // The listing with encoder_model_quantized.onnx (110 MB) was seen at this commit; main has moved since.
    revision: '62ad5726a1bd1ebc5580d92686f2a88eb994257d',
    owner: 'public',
    loader: { kind: 'transformers', className: 'PreTrainedModel', modelFileName: 'encoder_model', tokenizer: true },
    configFiles: ['config.json', 'tokenizer.json', 'tokenizer_config.json'],
    sessions: {
      encoder_model: {
        ioVerified: false,
        inputs: [T('input_ids', 'int64', ['batch_size', 'encoder_sequence_length']), T('attention_mask', 'int64', ['batch_size', 'encoder_sequence_length'])],
        outputs: [T('last_hidden_state', 'float32', ['batch_size', 'encoder_sequence_length', 768])],
      },
    },
    variants: { q8: { ioFloat: 'float32', files: { encoder_model: onnxFile('encoder_model', 'q8', 110 * MB, true) } } },
    notes: "4.3.1 has no T5EncoderModel: PreTrainedModel.from_pretrained(id, { model_file_name: 'encoder_model' }) loads the encoder alone.",
  },
  clipseg: {
    id: 'Xenova/clipseg-rd64-refined',
    revision: '4a31ff79ba9051a89ed0aa98b60395e5d25dce17', // "Upload fp16 ONNX weights"
    owner: 'public',
    loader: { kind: 'transformers', className: 'CLIPSegForImageSegmentation', processor: 'AutoProcessor', tokenizer: true },
    configFiles: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    sessions: {
      model: {
        ioVerified: false,
        inputs: [
          T('input_ids', 'int64', ['text_batch_size', 'sequence_length']),
          T('attention_mask', 'int64', ['text_batch_size', 'sequence_length']),
          T('pixel_values', 'float32', ['image_batch_size', 3, 'height', 'width']),
        ],
        // 352 × 352 for the real model (its input size); one map per text, the image broadcast over texts.
        outputs: [T('logits', 'float32', ['text_batch_size', 'height', 'width'])],
      },
    },
    variants: { q8: { ioFloat: 'float32', files: { model: onnxFile('model', 'q8', 139 * MB, true) } } },
    notes: 'Text-prompted masks; the fallback when the region head has no trained weights.',
  },
  'sd-inpaint': {
    // The official diffusers folder: the app builds its graphs from it (models/build). Commit per shared/REFERENCE.md.
    id: 'stable-diffusion-v1-5/stable-diffusion-inpainting',
    revision: '8a4288a76071f7280aedbdb3253bdb9e9d5d84bb',
    owner: 'public',
    loader: { kind: 'build' },
    configFiles: [
      'model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt',
      'text_encoder/config.json', 'unet/config.json', 'vae/config.json',
    ],
    sessions: {
      text_encoder: {
        ioVerified: true,
        inputs: [T('input_ids', 'int32', ['batch_size', cfg('max_position_embeddings')])],
        outputs: [T('last_hidden_state', 'float', ['batch_size', cfg('max_position_embeddings'), cfg('hidden_size')]), T('pooler_output', 'float', ['batch_size', cfg('hidden_size')])],
      },
      unet: {
        ioVerified: true,
        inputs: [
          T('sample', 'float', ['batch_size', 9, 'latent_height', 'latent_width']),
          T('timestep', 'float32', ['batch_size']),
          T('encoder_hidden_states', 'float', ['batch_size', 'sequence_length', cfg('cross_attention_dim')]),
        ],
        outputs: [T('out_sample', 'float', ['batch_size', 4, 'latent_height', 'latent_width'])],
      },
      vae_encoder: {
        ioVerified: true,
        inputs: [T('sample', 'float', ['batch_size', 3, 'height', 'width'])],
        outputs: [T('latent_parameters', 'float', ['batch_size', 8, 'latent_height', 'latent_width'])],
      },
      vae_decoder: {
        ioVerified: true,
        inputs: [T('latent_sample', 'float', ['batch_size', 4, 'latent_height', 'latent_width'])],
        outputs: [T('sample', 'float', ['batch_size', 3, 'height', 'width'])],
      },
    },
    variants: {
      // One weight file per part (the VAE's graphs share one); sizes per shared/REFERENCE.md, text encoder from 123 M params.
      fp16: {
        ioFloat: 'float16',
        files: {
          text_encoder: f('text_encoder/model.fp16.safetensors', 246 * MB, false),
          unet: f('unet/diffusion_pytorch_model.fp16.safetensors', 1.72 * GB, false),
          vae_encoder: f('vae/diffusion_pytorch_model.fp16.safetensors', 167 * MB, false),
          vae_decoder: f('vae/diffusion_pytorch_model.fp16.safetensors', 167 * MB, false),
        },
      },
      // No shader-f16: fp32 graphs over the fp32 files. bench:build: the full UNet over its 3.44 GB file opens;
      // over the fp16 file it fails (std::bad_alloc: cast copy + file pass the 4 GB wasm heap).
      fp32: {
        ioFloat: 'float32',
        files: {
          text_encoder: f('text_encoder/model.safetensors', 492 * MB, false),
          unet: f('unet/diffusion_pytorch_model.safetensors', 3.44 * GB, false),
          vae_encoder: f('vae/diffusion_pytorch_model.safetensors', 335 * MB, false),
          vae_decoder: f('vae/diffusion_pytorch_model.safetensors', 335 * MB, false),
        },
      },
    },
    notes:
      'The official weights (diffusers layout). models/build reads each config.json and safetensors header and writes graphs whose weights are the downloaded files themselves (ONNX external data); numerics proven against diffusers on ../shared/golden.',
  },
  'region-head': {
    id: 'instruct-edit/region-head',
    revision: 'main',
    owner: 'project',
    loader: { kind: 'ort' },
    configFiles: [],
    sessions: {
      region_head: {
        ioVerified: true,
        inputs: [
          T('patch_features', 'float32', ['batch_size', 256, 768]),
          T('instruction_features', 'float32', ['batch_size', 'instruction_length', 768]),
          T('instruction_mask', 'int64', ['batch_size', 'instruction_length']),
        ],
        outputs: [T('region_probs', 'float32', ['batch_size', 16, 16])],
      },
    },
    variants: { fp32: { ioFloat: 'float32', files: { region_head: f('onnx/region_head.onnx', null, false) } } },
    notes:
      'Seed 002 §3.2: cross-attention (patches → instruction), self-attention, token MLP, sigmoid. Built by scripts/fixtures/specs/region-head.ts from trained weights; no trained weights exist yet.',
  },
};

export interface Caps {
  shaderF16: boolean;
}

/** The dtype the app loads for a role on a device with these capabilities. */
export function variantFor(role: Role, caps: Caps): Dtype {
  switch (role) {
    case 'vlm':
    case 'vlm-small':
      return caps.shaderF16 ? 'q4f16' : 'q4';
    case 'clip-vision':
    case 'clip-text':
    case 't5-encoder':
    case 'clipseg':
      return 'q8';
    case 'sd-inpaint':
      return caps.shaderF16 ? 'fp16' : 'fp32';
    case 'region-head':
      return 'fp32';
  }
}

/** Repository and files for a role at a dtype; throws when the manifest has no such variant. */
export function filesFor(role: Role, dtype: Dtype): { id: string; revision: string; variant: VariantSpec } {
  const spec = MANIFEST[role];
  const variant = spec.variants[dtype];
  if (!variant) throw new Error(`No ${dtype} variant for ${role} (${spec.id})`);
  return { id: variant.id ?? spec.id, revision: variant.id ? 'main' : spec.revision, variant };
}

/** The input and output names a session must declare, `{i}` expanded layer by layer over `layers` layers. */
export function ioNames(session: SessionSpec, layers = 0): { inputs: string[]; outputs: string[] } {
  const expand = (list: TensorSpec[]) => {
    const names: string[] = [];
    for (let k = 0; k < list.length; ) {
      if (!list[k].name.includes('{i}')) names.push(list[k++].name);
      else {
        let end = k;
        while (end < list.length && list[end].name.includes('{i}')) end++;
        for (let i = 0; i < layers; i++) for (const t of list.slice(k, end)) names.push(t.name.replace('{i}', String(i)));
        k = end;
      }
    }
    return names;
  };
  return { inputs: expand(session.inputs), outputs: expand(session.outputs) };
}
