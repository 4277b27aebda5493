// Seeded Gaussian noise: Philox4x32-10 (Salmon et al., SC'11) on counter (i / 4, stream, 0, 0)
// with key (seed low, seed high), then Box–Muller. Counter-based, so every element is a pure
// function of (seed, stream, index): the same seed gives the same bits on every run and device.

struct Params {
  // Number of values to write (normals, or u32 words for `bits`).
  count: u32,
  // Philox key: the seed's low and high 32 bits.
  seedLo: u32,
  seedHi: u32,
  // Second counter word: independent streams for one seed (e.g. per-step fresh noise).
  stream: u32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> normals: array<f32>;
@group(0) @binding(2) var<storage, read_write> words: array<u32>;

// Full 32×32 → 64-bit product from 16-bit halves (WGSL has no u64); returns (hi, lo).
fn mulhilo(a: u32, b: u32) -> vec2u {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let lh = al * bh;
  let hl = ah * bl;
  let mid = ((al * bl) >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  return vec2u(ah * bh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u), a * b);
}

fn philox(counter: vec4u, seed: vec2u) -> vec4u {
  var c = counter;
  var k = seed;
  for (var r = 0u; r < 10u; r++) {
    let p0 = mulhilo(0xD2511F53u, c.x);
    let p1 = mulhilo(0xCD9E8D57u, c.z);
    c = vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
    k += vec2u(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

// 23 random bits → the open interval (0, 1), exactly representable in f32 (never 0 for the log).
fn unit(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * (1.0 / 8388608.0);
}

// ln(u) for u in (0, 1). Built-in log only promises 2^-21 absolute error near 1, which is a large
// relative error in √(−2 ln u) for u → 1; m·2^e with m in [√½, √2) and the atanh series are
// accurate to a few ulp everywhere.
fn ln(u: f32) -> f32 {
  let parts = frexp(u);
  var m = parts.fract;
  var e = f32(parts.exp);
  if (m < 0.70710678) { m = 2.0 * m; e = e - 1.0; }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let series = 2.0 * s * (1.0 + s2 * (1.0 / 3.0 + s2 * (1.0 / 5.0 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0)))));
  return e * 0.6931471805599453 + series;
}

// (cos, sin) of 2π·v for v in [−0.5, 0.5]. Built-in sin/cos only promise 2^-11 absolute error
// (SwiftShader is about that loose), so reduce by quarter turns (exact in f32) and use Taylor
// polynomials on [−π/4, π/4], accurate to ~1 ulp with plain multiply-adds on every device.
fn cos_sin_turns(v: f32) -> vec2f {
  let k = round(4.0 * v);
  let x = 6.283185307179586 * (v - 0.25 * k);
  let x2 = x * x;
  let c = 1.0 + x2 * (-0.5 + x2 * (1.0 / 24.0 + x2 * (-1.0 / 720.0 + x2 * (1.0 / 40320.0))));
  let s = x * (1.0 + x2 * (-1.0 / 6.0 + x2 * (1.0 / 120.0 + x2 * (-1.0 / 5040.0 + x2 * (1.0 / 362880.0)))));
  // Rotate by k quarter turns: (c, s) → (−s, c) per turn.
  switch (i32(k) & 3) {
    case 1: { return vec2f(-s, c); }
    case 2: { return vec2f(-c, -s); }
    case 3: { return vec2f(s, -c); }
    default: { return vec2f(c, s); }
  }
}

fn group_index(gid: vec3u, groups: vec3u) -> u32 {
  return gid.x + gid.y * groups.x * WG;
}

@compute @workgroup_size(WG)
fn normal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = group_index(gid, groups);
  if (4u * g >= params.count) { return; }
  let bits = philox(vec4u(g, params.stream, 0u, 0u), vec2u(params.seedLo, params.seedHi));
  // Box–Muller on two pairs: radius √(−2 ln u), angle 2π·(u' − 0.5).
  let r0 = sqrt(-2.0 * ln(unit(bits.x)));
  let r1 = sqrt(-2.0 * ln(unit(bits.z)));
  let z = vec4f(r0 * cos_sin_turns(unit(bits.y) - 0.5), r1 * cos_sin_turns(unit(bits.w) - 0.5));
  for (var j = 0u; j < 4u; j++) {
    if (4u * g + j < params.count) { normals[4u * g + j] = z[j]; }
  }
}

// The raw Philox words, for checking the generator against its CPU reference bit for bit.
@compute @workgroup_size(WG)
fn bits(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let g = group_index(gid, groups);
  if (4u * g >= params.count) { return; }
  let w = philox(vec4u(g, params.stream, 0u, 0u), vec2u(params.seedLo, params.seedHi));
  for (var j = 0u; j < 4u; j++) {
    if (4u * g + j < params.count) { words[4u * g + j] = w[j]; }
  }
}
