// Classifier-free guidance, reading the UNet's batched output [B, 4, h, w] in place (no split copies).

struct Params {
  // Elements in one batch item of the UNet output (4·h·w).
  count: u32,
  // 2: [uncond, cond] CFG; 3: [text+image, image only, neither] (InstructPix2Pix / MGIE Eq. 5); 1: copy.
  batch: u32,
  // s for two-way CFG; αX (text) for three-way.
  textScale: f32,
  // αV (image) for three-way; ignored otherwise.
  imageScale: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> eps: array<f32>;
@group(0) @binding(2) var<storage, read_write> guided: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  let n = params.count;
  if (i >= n) { return; }
  if (params.batch == 3u) {
    let full = eps[i];
    let image = eps[n + i];
    let none = eps[2u * n + i];
    guided[i] = none + params.imageScale * (image - none) + params.textScale * (full - image);
  } else if (params.batch == 2u) {
    let uncond = eps[i];
    guided[i] = uncond + params.textScale * (eps[n + i] - uncond);
  } else {
    guided[i] = eps[i];
  }
}
