// Exact SHA-256 (and size, where a listing gave it exactly) of the real model files, per repository
// and revision: a pin for one revision never applies to another. Only values read from a public
// listing are here, each with its source; a file with no entry is "not pinned" and is checked by
// format only (src/lib/models/verify.ts), which the Models dialog says. Never add a value that no
// public source gives: a wrong pin refuses the real file.
//
// Hugging Face publishes the SHA-256 of every Git LFS file on its file page ("Git LFS Details") and
// in the LFS pointer (`oid sha256:…`, `size …`); files that are not in LFS (config JSON, tokenizers)
// have only a git blob id, so they stay unpinned.

export interface FilePin {
  /** Exact size in bytes; absent where the listing showed only a rounded size (the hash covers it). */
  size?: number;
  sha256: string;
  /** Where the value was read. */
  source: string;
}

// Not pinned (no public page read here gives their SHA-256 at the manifest's revision): the Qwen2-VL
// q4 / q4f16 ONNX files and tokenizer.json (LFS at 187b05e), SmolVLM's, CLIP's (revision still
// "main": only the short hash cb711f7 was seen), FLAN-T5's encoder at 62ad572, CLIPSeg's at 4a31ff7,
// the SD VAE fp16 file, and the project's region head (not published). The SD fp32 files the
// manifest names (unet/diffusion_pytorch_model.safetensors, vae/…, text_encoder/model.safetensors)
// are not in commit 8a4288a's file list at all (it has .bin and .fp16.safetensors only):
// https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-inpainting/commit/8a4288a76071f7280aedbdb3253bdb9e9d5d84bb

/** `<repository id>@<revision>` → path → pin. */
export const PINS: Readonly<Record<string, Readonly<Record<string, FilePin>>>> = {
  // The repository has one commit (8a4288a, "Initial commit"), so a file's page on main is its page at the pin.
  'stable-diffusion-v1-5/stable-diffusion-inpainting@8a4288a76071f7280aedbdb3253bdb9e9d5d84bb': {
    'unet/diffusion_pytorch_model.fp16.safetensors': {
      sha256: '24b788b4a777748377cc20364eea4ae113c8c42f4468c16bc8c02fdae5492af9',
      source: 'https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-inpainting/blob/8a4288a76071f7280aedbdb3253bdb9e9d5d84bb/unet/diffusion_pytorch_model.fp16.safetensors',
    },
    'text_encoder/model.fp16.safetensors': {
      sha256: '77795e2023adcf39bc29a884661950380bd093cf0750a966d473d1718dc9ef4e',
      source: 'https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-inpainting/blob/main/text_encoder/model.fp16.safetensors (last commit 8a4288a)',
    },
  },
};

/** The pin of one file of a repository at a revision, if a public listing gave one. */
export function pinOf(id: string, revision: string, path: string): FilePin | undefined {
  return PINS[`${id}@${revision}`]?.[path];
}
