/** A mask plane (f32 in [0, 1], 1 = edit) as a tinted, semi-transparent bitmap to draw over the image. */
export async function maskOverlay(mask: { data: Float32Array; width: number; height: number }, rgb: [number, number, number] = [143, 108, 240], opacity = 0.55): Promise<ImageBitmap> {
  const { data, width, height } = mask;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    const a = Math.min(1, Math.max(0, data[i]));
    pixels[i * 4] = rgb[0];
    pixels[i * 4 + 1] = rgb[1];
    pixels[i * 4 + 2] = rgb[2];
    pixels[i * 4 + 3] = Math.round(a * opacity * 255);
  }
  return createImageBitmap(new ImageData(pixels, width, height));
}
