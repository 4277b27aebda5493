// Small element-wise and resampling passes the diffusion pipeline needs around the models:
// `axpby` (latent scaling by 0.18215 and add_noise, with element offsets so one item of a batched
// model output can be read in place), `resample` (an f32 mask plane to another size, triangle
// filter widened by the downscale factor, optional threshold), `mask_image` (the SD masked image:
// the image tensor zeroed where the mask is ≥ 0.5), and f32 ↔ f16 packing for models with float16
// I/O (pack2x16float / unpack2x16float are core WGSL: no shader-f16 needed).

struct Params {
  // Elements to process (axpby, mask_image: per channel plane; conversions: f32 values).
  count: u32,
  // axpby: out = a·x + b·y.
  a: f32,
  b: f32,
  // Element offsets into x, y and out.
  xOffset: u32,
  yOffset: u32,
  outOffset: u32,
  // resample: source and destination plane sizes.
  srcWidth: u32,
  srcHeight: u32,
  dstWidth: u32,
  dstHeight: u32,
  // resample: > 0 binarises the result (v ≥ threshold → 1, else 0); mask_image: the hole level.
  threshold: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read> halves: array<u32>;
@group(0) @binding(5) var<storage, read_write> halvesOut: array<u32>;

fn index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn axpby(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = index(gid, groups);
  if (i >= params.count) { return; }
  out[params.outOffset + i] = params.a * x[params.xOffset + i] + params.b * y[params.yOffset + i];
}

// Triangle weights over source pixel centres, the support widened by the ratio when shrinking
// (PIL-style antialiased bilinear), normalised by their sum.
@compute @workgroup_size(WG)
fn resample(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = index(gid, groups);
  if (i >= params.dstWidth * params.dstHeight) { return; }
  let dx = i % params.dstWidth;
  let dy = i / params.dstWidth;
  let ratio = vec2f(f32(params.srcWidth) / f32(params.dstWidth), f32(params.srcHeight) / f32(params.dstHeight));
  let support = max(ratio, vec2f(1.0));
  let centre = (vec2f(f32(dx), f32(dy)) + 0.5) * ratio;
  let size = vec2i(i32(params.srcWidth), i32(params.srcHeight));
  // Taps whose centres lie strictly inside the support (the weight is 0 on its edge).
  let lo = clamp(vec2i(floor(centre - support - 0.5)) + 1, vec2i(0), size - 1);
  let hi = clamp(vec2i(ceil(centre + support - 0.5)) - 1, vec2i(0), size - 1);
  var acc = 0.0;
  var total = 0.0;
  for (var sy = lo.y; sy <= hi.y; sy++) {
    let wy = max(0.0, 1.0 - abs(f32(sy) + 0.5 - centre.y) / support.y);
    if (wy <= 0.0) { continue; }
    for (var sx = lo.x; sx <= hi.x; sx++) {
      let wx = max(0.0, 1.0 - abs(f32(sx) + 0.5 - centre.x) / support.x);
      if (wx <= 0.0) { continue; }
      acc += wx * wy * x[u32(sy) * params.srcWidth + u32(sx)];
      total += wx * wy;
    }
  }
  var v = select(0.0, acc / total, total > 0.0);
  if (params.threshold > 0.0) { v = select(0.0, 1.0, v >= params.threshold); }
  out[i] = v;
}

// out[outOffset + c·count + p] = x[xOffset + c·count + p] where y[p] < threshold, else 0 (3 channels).
@compute @workgroup_size(WG)
fn mask_image(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = index(gid, groups);
  if (i >= 3u * params.count) { return; }
  let p = i % params.count;
  out[params.outOffset + i] = select(0.0, x[params.xOffset + i], y[p] < params.threshold);
}

// Two f32 values per u32 word; an odd tail is padded with 0.
@compute @workgroup_size(WG)
fn to_f16(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = index(gid, groups);
  let n = params.count;
  if (2u * w >= n) { return; }
  let hi = select(0.0, x[params.xOffset + 2u * w + 1u], 2u * w + 1u < n);
  halvesOut[w] = pack2x16float(vec2f(x[params.xOffset + 2u * w], hi));
}

@compute @workgroup_size(WG)
fn from_f16(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let w = index(gid, groups);
  let n = params.count;
  if (2u * w >= n) { return; }
  let v = unpack2x16float(halves[w]);
  out[params.outOffset + 2u * w] = v.x;
  if (2u * w + 1u < n) { out[params.outOffset + 2u * w + 1u] = v.y; }
}
