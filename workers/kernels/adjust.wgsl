// Global adjustments in one pass over RGBA8 (sRGB-encoded values, as photo sliders act on them).
// Order: local detail (blur / unsharp mask around one Gaussian) → exposure → warmth/tint →
// brightness → contrast → saturation → gamma. Neutral settings reproduce the input byte for byte.

struct Params {
  width: u32,
  height: u32,
  // Exposure in stops: ×2^exposure.
  exposure: f32,
  // Added to every channel (−1 … 1).
  brightness: f32,
  // Slope around mid-grey 0.5 (1 = unchanged).
  contrast: f32,
  // Chroma scale around Rec. 709 luma (0 = grey, 1 = unchanged).
  saturation: f32,
  // Warm (+) / cool (−): red ×(1 + 0.2·warmth), blue ×(1 − 0.2·warmth).
  warmth: f32,
  // Magenta (+) / green (−): green ×(1 − 0.2·tint).
  tint: f32,
  // Output = input^(1/gamma) (1 = unchanged).
  gamma: f32,
  // Unsharp-mask amount: c + sharpen·(c − blurred).
  sharpen: f32,
  // Blur amount 0…1: mix toward the Gaussian-blurred value.
  blur: f32,
  // σ of the Gaussian in pixels shared by blur and sharpen; taps reach ⌈3σ⌉ (at most `maxRadius`).
  sigma: f32,
  maxRadius: u32,
}

override WG_X: u32 = 8;
override WG_Y: u32 = 8;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

fn texel(x: i32, y: i32) -> vec3f {
  return unpack4x8unorm(src[u32(y) * params.width + u32(x)]).rgb;
}

@compute @workgroup_size(WG_X, WG_Y)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= params.width || gid.y >= params.height) { return; }
  let x = i32(gid.x);
  let y = i32(gid.y);
  let original = src[gid.y * params.width + gid.x];
  var rgb = unpack4x8unorm(original).rgb;

  let detail = 1.0 + params.sharpen - params.blur;
  if (detail != 1.0 && params.sigma > 0.0) {
    // Normalised Gaussian over in-image taps (edges renormalise instead of padding).
    let r = i32(min(u32(ceil(3.0 * params.sigma)), params.maxRadius));
    let k = -0.5 / (params.sigma * params.sigma);
    var acc = vec3f(0.0);
    var total = 0.0;
    for (var dy = max(-r, -y); dy <= min(r, i32(params.height) - 1 - y); dy++) {
      for (var dx = max(-r, -x); dx <= min(r, i32(params.width) - 1 - x); dx++) {
        let w = exp(k * f32(dx * dx + dy * dy));
        acc += w * texel(x + dx, y + dy);
        total += w;
      }
    }
    let blurred = acc / total;
    rgb = blurred + detail * (rgb - blurred);
  }

  rgb *= exp2(params.exposure);
  rgb *= vec3f(1.0 + 0.2 * params.warmth, 1.0 - 0.2 * params.tint, 1.0 - 0.2 * params.warmth);
  rgb += params.brightness;
  rgb = (rgb - 0.5) * params.contrast + 0.5;
  let luma = dot(rgb, vec3f(0.2126, 0.7152, 0.0722));
  rgb = luma + (rgb - luma) * params.saturation;
  if (params.gamma != 1.0) { rgb = pow(max(rgb, vec3f(0.0)), vec3f(1.0 / params.gamma)); }

  let u = vec3u(floor(clamp(rgb, vec3f(0.0), vec3f(1.0)) * 255.0 + 0.5));
  dst[gid.y * params.width + gid.x] = u.x | (u.y << 8u) | (u.z << 16u) | (original & 0xff000000u);
}
