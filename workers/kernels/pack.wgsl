// Builds the UNet input [B, 4 + M + K, h, w] = concat([latents, mask, cond latents]) for every
// CFG batch item, on the GPU. SD inpainting: M = 1, K = 4 (masked-image latents), B = 2 or 3.
// InstructPix2Pix: M = 0, K = 4 (image latents), with the "neither" item's image zeroed.

struct Params {
  // h·w of the latent grid.
  plane: u32,
  // B: batch items to write (1, 2 or 3).
  batch: u32,
  // M: mask channels (0 or 1).
  maskChannels: u32,
  // K: conditioning-latent channels (0 or 4).
  condChannels: u32,
  // Bit b set: batch item b gets zeros in its conditioning channels (IP2P's unconditional item).
  zeroCond: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> latents: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read> cond: array<f32>;
@group(0) @binding(4) var<storage, read_write> packed: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  let plane = params.plane;
  let channels = 4u + params.maskChannels + params.condChannels;
  if (i >= params.batch * channels * plane) { return; }
  let b = i / (channels * plane);
  let c = (i / plane) % channels;
  let p = i % plane;
  var v: f32;
  if (c < 4u) {
    v = latents[c * plane + p];
  } else if (c < 4u + params.maskChannels) {
    v = mask[p];
  } else if (((params.zeroCond >> b) & 1u) == 1u) {
    v = 0.0;
  } else {
    v = cond[(c - 4u - params.maskChannels) * plane + p];
  }
  packed[i] = v;
}
