// Feathered paste-back of a generated crop into the full-resolution original, in place on a copy
// of the original. The generated image (genWidth × genHeight) covers `rect` in original pixels and
// is sampled bilinearly; out = orig + a·(gen − orig) with a the feathered mask. Pixels with a = 0
// (or outside the rectangle) are never written, so they stay byte-identical. Alpha is kept.

struct Params {
  // Original image size.
  width: u32,
  height: u32,
  // Generated crop size.
  genWidth: u32,
  genHeight: u32,
  // Where the generated crop lands: (x, y, width, height) in original pixels.
  rect: vec4f,
  // Top-left of the integer box the dispatch covers (the rectangle's bounding box).
  boxX: u32,
  boxY: u32,
  // Size of that box.
  boxWidth: u32,
  boxHeight: u32,
}

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> generated: array<u32>;
// Feather / alpha at full resolution, [height, width] in [0, 1].
@group(0) @binding(2) var<storage, read> mask: array<f32>;
// Holds the original on entry (the host copies it in); blended pixels are overwritten.
@group(0) @binding(3) var<storage, read_write> image: array<u32>;

fn gen_texel(x: i32, y: i32) -> vec4f {
  let cx = u32(clamp(x, 0, i32(params.genWidth) - 1));
  let cy = u32(clamp(y, 0, i32(params.genHeight) - 1));
  return unpack4x8unorm(generated[cy * params.genWidth + cx]);
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.boxWidth || gid.y >= params.boxHeight) { return; }
  let x = params.boxX + gid.x;
  let y = params.boxY + gid.y;
  if (x >= params.width || y >= params.height) { return; }
  let p = y * params.width + x;
  let a = clamp(mask[p], 0.0, 1.0);
  let centre = vec2f(f32(x), f32(y)) + 0.5;
  let inside = all(centre >= params.rect.xy) && all(centre < params.rect.xy + params.rect.zw);
  if (a <= 0.0 || !inside) { return; }
  // Bilinear sample of the generated crop at this pixel centre.
  let g = (centre - params.rect.xy) * vec2f(f32(params.genWidth), f32(params.genHeight)) / params.rect.zw - 0.5;
  let g0 = floor(g);
  let f = g - g0;
  let i = vec2i(g0);
  let top = mix(gen_texel(i.x, i.y), gen_texel(i.x + 1, i.y), f.x);
  let bottom = mix(gen_texel(i.x, i.y + 1), gen_texel(i.x + 1, i.y + 1), f.x);
  let gen = mix(top, bottom, f.y).rgb;
  let original = image[p];
  let orig = unpack4x8unorm(original).rgb;
  let u = vec3u(floor(clamp(orig + a * (gen - orig), vec3f(0.0), vec3f(1.0)) * 255.0 + 0.5));
  image[p] = u.x | (u.y << 8u) | (u.z << 16u) | (original & 0xff000000u);
}
