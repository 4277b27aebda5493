// Seed 002 Eq. 22–23: x ← m ⊙ x + (1 − m) ⊙ (√ᾱ·x_src + √(1−ᾱ)·n), in place; m = 1 repaints.
// n is the initial noise tensor, reused every step as diffusers does; on the last step the host
// passes √ᾱ = 1, √(1−ᾱ) = 0, which pastes the clean source latent.

struct Params {
  // Elements in the latents (channels·h·w).
  count: u32,
  // h·w: the mask has one value per latent pixel, shared by every channel.
  plane: u32,
  // √ᾱ at the timestep the latents now sit at (1 for the clean source after the last step).
  sqrtAlpha: f32,
  // √(1 − ᾱ) at that timestep (0 after the last step).
  sqrtOneMinusAlpha: f32,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> mask: array<f32>;
@group(0) @binding(2) var<storage, read> source: array<f32>;
@group(0) @binding(3) var<storage, read> noise: array<f32>;
@group(0) @binding(4) var<storage, read_write> latents: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= params.count) { return; }
  let m = mask[i % params.plane];
  let known = params.sqrtAlpha * source[i] + params.sqrtOneMinusAlpha * noise[i];
  latents[i] = m * latents[i] + (1.0 - m) * known;
}
