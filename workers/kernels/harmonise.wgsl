// Harmonise a generated region with its surroundings: match the region's per-channel mean and
// spread in YCbCr (BT.601 full range) to those of a ring of preserved pixels, with a strength.
// Three passes: `partials_pass` (weighted sums, one row per workgroup), `finish` (one workgroup
// reduces the rows into `stats`), `apply` (per pixel, reading `stats` on the GPU: no readback).
// Sums use Y − 0.5 so the variance E[c²] − E[c]² does not cancel badly in f32.

struct Params {
  // Pixels in the image (width·height).
  count: u32,
  // Workgroups the partials pass runs (1-D, at most MAX_PARTIAL_GROUPS on the host).
  groups: u32,
  // 0 leaves the image as it is, 1 matches the statistics fully (scaled by the region weight).
  strength: f32,
  // Bound on the spread ratio σ_ring / σ_region (and its inverse), so flat regions don't explode.
  maxGain: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
// RGBA8, one u32 per pixel; read by `partials`, rewritten in place by `apply`.
@group(0) @binding(1) var<storage, read_write> image: array<u32>;
// Region weight (generated pixels; feathered values allowed), f32 per pixel in [0, 1].
@group(0) @binding(2) var<storage, read> region: array<f32>;
// Ring weight (preserved reference pixels), f32 per pixel in [0, 1].
@group(0) @binding(3) var<storage, read> ring: array<f32>;
// Per workgroup: region (w, Σwy, Σwcb, Σwcr), region (Σwy², Σwcb², Σwcr², 0), then the same for the ring.
@group(0) @binding(4) var<storage, read_write> partials: array<vec4f>;
// The four reduced vectors, same layout.
@group(0) @binding(5) var<storage, read_write> stats: array<vec4f>;

// One row per invocation: region (w, Σwc), region Σwc², ring (w, Σwc), ring Σwc².
var<workgroup> s0: array<vec4f, WG>;
var<workgroup> s1: array<vec4f, WG>;
var<workgroup> s2: array<vec4f, WG>;
var<workgroup> s3: array<vec4f, WG>;

fn to_ycc(rgb: vec3f) -> vec3f {
  return vec3f(
    dot(rgb, vec3f(0.299, 0.587, 0.114)) - 0.5,
    dot(rgb, vec3f(-0.168736, -0.331264, 0.5)),
    dot(rgb, vec3f(0.5, -0.418688, -0.081312)),
  );
}

fn to_rgb(c: vec3f) -> vec3f {
  let y = c.x + 0.5;
  return vec3f(y + 1.402 * c.z, y - 0.344136 * c.y - 0.714136 * c.z, y + 1.772 * c.y);
}

// Tree reduction of the four workgroup rows into index 0.
fn reduce(lid: u32) {
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lid < stride) {
      s0[lid] += s0[lid + stride];
      s1[lid] += s1[lid + stride];
      s2[lid] += s2[lid + stride];
      s3[lid] += s3[lid + stride];
    }
  }
  workgroupBarrier();
}

// A fixed, small number of workgroups, each thread striding over the image: far fewer workgroup
// barriers than one thread per pixel, which matters on every GPU and a lot on SwiftShader.
@compute @workgroup_size(WG)
fn partials_pass(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32,
                 @builtin(workgroup_id) wid: vec3u) {
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var p = gid.x; p < params.count; p += params.groups * WG) {
    let c = to_ycc(unpack4x8unorm(image[p]).rgb);
    let wr = clamp(region[p], 0.0, 1.0);
    let wg = clamp(ring[p], 0.0, 1.0);
    a0 += wr * vec4f(1.0, c);
    a1 += wr * vec4f(c * c, 0.0);
    a2 += wg * vec4f(1.0, c);
    a3 += wg * vec4f(c * c, 0.0);
  }
  s0[lid] = a0;
  s1[lid] = a1;
  s2[lid] = a2;
  s3[lid] = a3;
  reduce(lid);
  if (lid == 0u) {
    let g = 4u * wid.x;
    partials[g] = s0[0];
    partials[g + 1u] = s1[0];
    partials[g + 2u] = s2[0];
    partials[g + 3u] = s3[0];
  }
}

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_index) lid: u32) {
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var g = lid; g < params.groups; g += WG) {
    a0 += partials[4u * g];
    a1 += partials[4u * g + 1u];
    a2 += partials[4u * g + 2u];
    a3 += partials[4u * g + 3u];
  }
  s0[lid] = a0;
  s1[lid] = a1;
  s2[lid] = a2;
  s3[lid] = a3;
  reduce(lid);
  if (lid == 0u) {
    stats[0] = s0[0];
    stats[1] = s1[0];
    stats[2] = s2[0];
    stats[3] = s3[0];
  }
}

@compute @workgroup_size(WG)
fn apply(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let p = gid.x + gid.y * groups.x * WG;
  if (p >= params.count) { return; }
  let w = clamp(region[p], 0.0, 1.0);
  let regionSum = stats[0].x;
  let ringSum = stats[2].x;
  if (w <= 0.0 || regionSum <= 0.0 || ringSum <= 0.0) { return; }
  let meanRegion = stats[0].yzw / regionSum;
  let meanRing = stats[2].yzw / ringSum;
  let sdRegion = sqrt(max(stats[1].xyz / regionSum - meanRegion * meanRegion, vec3f(0.0)));
  let sdRing = sqrt(max(stats[3].xyz / ringSum - meanRing * meanRing, vec3f(0.0)));
  let gain = clamp(sdRing / max(sdRegion, vec3f(1e-6)), vec3f(1.0 / params.maxGain), vec3f(params.maxGain));
  let original = image[p];
  let c = to_ycc(unpack4x8unorm(original).rgb);
  let matched = meanRing + (c - meanRegion) * gain;
  let rgb = to_rgb(c + params.strength * w * (matched - c));
  let u = vec3u(floor(clamp(rgb, vec3f(0.0), vec3f(1.0)) * 255.0 + 0.5));
  image[p] = u.x | (u.y << 8u) | (u.z << 16u) | (original & 0xff000000u);
}
