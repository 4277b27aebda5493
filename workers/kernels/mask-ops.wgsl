// Mask operations on f32 planes [height, width] in [0, 1].
// `pointwise`: threshold, invert, union (max), intersect (min), subtract (a ∧ ¬b).
// `morph`: dilate (max) / erode (min) over a disc; pixels outside the image are ignored.
// `blur`: one axis of a separable, normalised Gaussian (feathering); run it twice.

struct Params {
  width: u32,
  height: u32,
  // pointwise: 0 threshold, 1 invert, 2 union, 3 intersect, 4 subtract; morph: 0 dilate, 1 erode.
  op: u32,
  // threshold: out = a ≥ level ? 1 : 0.
  level: f32,
  // morph: disc radius in pixels (dx² + dy² ≤ r²).
  radius: u32,
  // blur: Gaussian σ in pixels (taps reach ⌈3σ⌉) and axis (0 horizontal, 1 vertical).
  sigma: f32,
  axis: u32,
}

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG_X, WG_Y)
fn pointwise(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.width || gid.y >= params.height) { return; }
  let p = gid.y * params.width + gid.x;
  let x = a[p];
  let y = b[p];
  var v: f32;
  switch (params.op) {
    case 0u: { v = select(0.0, 1.0, x >= params.level); }
    case 1u: { v = 1.0 - x; }
    case 2u: { v = max(x, y); }
    case 3u: { v = min(x, y); }
    default: { v = min(x, 1.0 - y); }
  }
  out[p] = v;
}

@compute @workgroup_size(WG_X, WG_Y)
fn morph(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.width || gid.y >= params.height) { return; }
  let x = i32(gid.x);
  let y = i32(gid.y);
  let r = i32(params.radius);
  let erode = params.op == 1u;
  var v = a[gid.y * params.width + gid.x];
  for (var dy = max(-r, -y); dy <= min(r, i32(params.height) - 1 - y); dy++) {
    for (var dx = max(-r, -x); dx <= min(r, i32(params.width) - 1 - x); dx++) {
      if (dx * dx + dy * dy > r * r) { continue; }
      let s = a[u32(y + dy) * params.width + u32(x + dx)];
      v = select(max(v, s), min(v, s), erode);
    }
  }
  out[gid.y * params.width + gid.x] = v;
}

@compute @workgroup_size(WG_X, WG_Y)
fn blur(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.width || gid.y >= params.height) { return; }
  let horizontal = params.axis == 0u;
  let at = i32(select(gid.y, gid.x, horizontal));
  let size = i32(select(params.height, params.width, horizontal));
  let step = i32(select(params.width, 1u, horizontal));
  let p = i32(gid.y * params.width + gid.x);
  let r = i32(ceil(3.0 * params.sigma));
  let k = -0.5 / (params.sigma * params.sigma);
  var acc = 0.0;
  var total = 0.0;
  for (var d = max(-r, -at); d <= min(r, size - 1 - at); d++) {
    let w = exp(k * f32(d * d));
    acc += w * a[p + d * step];
    total += w;
  }
  out[p] = acc / total;
}
