// Cheap latent preview: scaled SD1.5 latents [4, h, w] → RGBA8 through a 4×3 linear map (no VAE).
// u8 = floor((clamp(x, −1, 1) + 1)·127.5 + 0.5); alpha is opaque.

struct Params {
  // h·w of the latent grid.
  plane: u32,
  // Row c: the (R, G, B) contribution of latent channel c; w is unused padding.
  factors: array<vec4f, 4>,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> latents: array<f32>;
// One pixel per u32, R in the low byte: the bytes are ImageData order on little-endian hosts.
@group(0) @binding(2) var<storage, read_write> rgba: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let p = gid.x + gid.y * groups.x * WG;
  let n = params.plane;
  if (p >= n) { return; }
  var rgb = vec3f(0.0);
  for (var c = 0u; c < 4u; c++) {
    rgb += latents[c * n + p] * params.factors[c].xyz;
  }
  let u = vec3u(floor((clamp(rgb, vec3f(-1.0), vec3f(1.0)) + 1.0) * 127.5 + 0.5));
  rgba[p] = u.x | (u.y << 8u) | (u.z << 16u) | (255u << 24u);
}
