// Resizes a full-resolution mask plane to the latent grid (usually H/8 × W/8).
// nearest: diffusers' F.interpolate(mode="nearest"), src = floor(dst·in/out) in exact integers.
// area: mean over each cell's source box (F.interpolate(mode="area")); max: the box maximum,
// so a one-pixel stroke still marks its latent cell.

struct Params {
  // Source mask width and height in pixels.
  srcWidth: u32,
  srcHeight: u32,
  // Latent grid width and height.
  dstWidth: u32,
  dstHeight: u32,
  // 0 nearest, 1 area (box mean), 2 max.
  mode: u32,
}

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let dx = gid.x;
  let dy = gid.y;
  if (dx >= params.dstWidth || dy >= params.dstHeight) { return; }
  let sw = params.srcWidth;
  let sh = params.srcHeight;
  if (params.mode == 0u) {
    let sx = min(dx * sw / params.dstWidth, sw - 1u);
    let sy = min(dy * sh / params.dstHeight, sh - 1u);
    dst[dy * params.dstWidth + dx] = src[sy * sw + sx];
    return;
  }
  // Box [x0, x1) × [y0, y1): floor of the start, ceiling of the end, as adaptive pooling does.
  let x0 = dx * sw / params.dstWidth;
  let x1 = ((dx + 1u) * sw + params.dstWidth - 1u) / params.dstWidth;
  let y0 = dy * sh / params.dstHeight;
  let y1 = ((dy + 1u) * sh + params.dstHeight - 1u) / params.dstHeight;
  var sum = 0.0;
  var biggest = 0.0;
  for (var y = y0; y < y1; y++) {
    for (var x = x0; x < x1; x++) {
      let v = src[y * sw + x];
      sum += v;
      biggest = max(biggest, v);
    }
  }
  let area = f32((x1 - x0) * (y1 - y0));
  dst[dy * params.dstWidth + dx] = select(sum / area, biggest, params.mode == 2u);
}
