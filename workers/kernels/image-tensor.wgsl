// Image ↔ tensor. `toTensor`: RGBA8 → NCHW f32 [3, dstHeight, dstWidth], resampling a crop of
// the source with a normalised separable filter (PIL's formulation: taps at source pixel centres,
// the filter widened by the downscale factor when antialiasing), then v/255·scale + offset per
// channel (VAE: ×2 − 1; CLIP: (v − mean)/std). `toImage`: NCHW f32 → RGBA8 at the same size,
// u8 = floor(clamp(x·scale + offset, 0, 1)·255 + 0.5).

struct Params {
  // Source size: the image for toTensor, the tensor for toImage.
  srcWidth: u32,
  srcHeight: u32,
  // Output size (toTensor); equal to the source size for toImage.
  dstWidth: u32,
  dstHeight: u32,
  // Source rectangle to resample (x, y, width, height) in source pixels (toTensor only).
  crop: vec4f,
  // 0 bilinear (triangle), 1 bicubic (Keys a = −0.5, as PIL), 2 area (exact box coverage).
  resample: u32,
  // 1: widen bilinear/bicubic by the downscale factor (PIL-style antialiasing); area always is.
  antialias: u32,
  // Per-channel affine map (RGB in xyz; w unused).
  scale: vec4f,
  offset: vec4f,
}

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> image: array<u32>;
@group(0) @binding(2) var<storage, read_write> tensor: array<f32>;
@group(0) @binding(3) var<storage, read> tensorIn: array<f32>;
@group(0) @binding(4) var<storage, read_write> imageOut: array<u32>;

fn cubic(x: f32) -> f32 {
  let a = -0.5;
  let t = abs(x);
  if (t < 1.0) { return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0; }
  if (t < 2.0) { return (((t - 5.0) * t + 8.0) * t - 4.0) * a; }
  return 0.0;
}

// Weight of source pixel i (covering [i, i + 1)) for an output centred at `center`, filter width `scale`.
fn weight(i: f32, center: f32, scale: f32) -> f32 {
  if (params.resample == 2u) {
    let lo = max(i, center - 0.5 * scale);
    let hi = min(i + 1.0, center + 0.5 * scale);
    return max(hi - lo, 0.0);
  }
  let x = (i + 0.5 - center) / scale;
  if (params.resample == 1u) { return cubic(x); }
  return max(1.0 - abs(x), 0.0);
}

// Filter width in source pixels per unit of the kernel's argument.
fn filter_scale(ratio: f32) -> f32 {
  if (params.resample == 2u || params.antialias == 1u) { return max(ratio, 1.0); }
  return 1.0;
}

@compute @workgroup_size(WG_X, WG_Y)
fn toTensor(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.dstWidth || gid.y >= params.dstHeight) { return; }
  let ratio = params.crop.zw / vec2f(f32(params.dstWidth), f32(params.dstHeight));
  let center = params.crop.xy + (vec2f(gid.xy) + 0.5) * ratio;
  let fs = vec2f(filter_scale(ratio.x), filter_scale(ratio.y));
  let radius = select(select(1.0, 2.0, params.resample == 1u), 0.5, params.resample == 2u);
  let support = radius * fs;
  let size = vec2i(i32(params.srcWidth), i32(params.srcHeight));
  // Only taps with non-zero weight: pixel centres strictly inside the support (area: any overlap).
  let isArea = params.resample == 2u;
  let lo = clamp(select(vec2i(floor(center - support - 0.5)) + 1, vec2i(floor(center - support)), isArea), vec2i(0), size - 1);
  let hi = clamp(select(vec2i(ceil(center + support - 0.5)) - 1, vec2i(ceil(center + support)) - 1, isArea), vec2i(0), size - 1);
  var acc = vec3f(0.0);
  var total = 0.0;
  for (var y = lo.y; y <= hi.y; y++) {
    let wy = weight(f32(y), center.y, fs.y);
    if (wy == 0.0) { continue; }
    for (var x = lo.x; x <= hi.x; x++) {
      let w = wy * weight(f32(x), center.x, fs.x);
      acc += w * unpack4x8unorm(image[u32(y) * params.srcWidth + u32(x)]).rgb;
      total += w;
    }
  }
  // Clamped like an 8-bit resize would be (bicubic overshoots); an empty footprint gives black.
  let colour = select(clamp(acc / total, vec3f(0.0), vec3f(1.0)), vec3f(0.0), total == 0.0);
  let rgb = colour * params.scale.xyz + params.offset.xyz;
  let plane = params.dstWidth * params.dstHeight;
  let p = gid.y * params.dstWidth + gid.x;
  tensor[p] = rgb.r;
  tensor[plane + p] = rgb.g;
  tensor[2u * plane + p] = rgb.b;
}

@compute @workgroup_size(WG_X, WG_Y)
fn toImage(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.srcWidth || gid.y >= params.srcHeight) { return; }
  let plane = params.srcWidth * params.srcHeight;
  let p = gid.y * params.srcWidth + gid.x;
  let rgb = vec3f(tensorIn[p], tensorIn[plane + p], tensorIn[2u * plane + p]) * params.scale.xyz + params.offset.xyz;
  let u = vec3u(floor(clamp(rgb, vec3f(0.0), vec3f(1.0)) * 255.0 + 0.5));
  imageOut[p] = u.x | (u.y << 8u) | (u.z << 16u) | (255u << 24u);
}
