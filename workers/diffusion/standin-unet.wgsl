// A tiny stand-in for the SD UNet, for tests and benchmarks of the loop driver: every output
// depends on every input channel, on the timestep, on the batch item (as text conditioning would
// make cond and uncond differ) and on a horizontal neighbour (so layout mistakes show).
// ε[b, c, p] = softsign(Σₖ W[k][c]·in[b, k, p] + 0.25·in[b, c, p + 1] + T[c]·t/1000 + E[b][c]).

struct Params {
  // Latent grid width and h·w.
  width: u32,
  plane: u32,
  // Input channels C (4, 8 or 9) and batch items B.
  channels: u32,
  batch: u32,
  // The timestep, as the UNet receives it.
  t: f32,
  // Row k: the weight of input channel k on each of the 4 outputs.
  weights: array<vec4f, 9>,
  // Per-output timestep weights.
  timeWeights: vec4f,
  // Per-batch-item offsets, standing in for different text conditioning.
  embed: array<vec4f, 3>,
}

override WG: u32 = 64;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> sample: array<f32>;
@group(0) @binding(2) var<storage, read_write> eps: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * WG;
  let plane = params.plane;
  if (i >= params.batch * plane) { return; }
  let b = i / plane;
  let p = i % plane;
  let x = p % params.width;
  let right = select(p + 1u, p + 1u - params.width, x + 1u == params.width);
  let base = b * params.channels * plane;
  var acc = params.timeWeights * (params.t / 1000.0) + params.embed[b];
  for (var k = 0u; k < params.channels; k++) {
    acc += params.weights[k] * sample[base + k * plane + p];
  }
  for (var c = 0u; c < 4u; c++) {
    let v = acc[c] + 0.25 * sample[base + c * plane + right];
    eps[(b * 4u + c) * plane + p] = v / (1.0 + abs(v));
  }
}
