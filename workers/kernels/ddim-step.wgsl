// One DDIM step (eta 0, ε-prediction), in place on the latents; also writes x̂₀ for previews.

struct Params {
  // Elements in the latents (4·h·w).
  count: u32,
  // √ᾱₜ at the current timestep.
  sqrtAlpha: f32,
  // √(1 − ᾱₜ).
  sqrtOneMinusAlpha: f32,
  // √ᾱ at the previous timestep (ᾱ₀ after the last step when set_alpha_to_one is false).
  sqrtAlphaPrev: f32,
  // √(1 − ᾱ_prev).
  sqrtOneMinusAlphaPrev: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> eps: array<f32>;
@group(0) @binding(2) var<storage, read_write> latents: array<f32>;
@group(0) @binding(3) var<storage, read_write> predicted: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.count) { return; }
  let e = eps[i];
  let x0 = (latents[i] - params.sqrtOneMinusAlpha * e) / params.sqrtAlpha;
  predicted[i] = x0;
  latents[i] = params.sqrtAlphaPrev * x0 + params.sqrtOneMinusAlphaPrev * e;
}
