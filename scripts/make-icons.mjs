#!/usr/bin/env node
// Writes the PWA icons (public/icons/*.png) from the same drawing as icon.svg: a rounded square with
// a four-point sparkle. Run once after changing the design; the outputs are committed.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel((x + 0.5) / size, (y + 0.5) / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}
const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t));
// Four-point star: |x|^p + |y|^p < r^p with p < 1 gives concave sides.
const sparkle = (u, v, cx, cy, r) => Math.pow(Math.abs(u - cx) / r, 0.5) + Math.pow(Math.abs(v - cy) / r, 0.5) < 1;
function icon(maskable) {
  return (u, v) => {
    const inset = maskable ? 0 : 0.04;
    const radius = maskable ? 0 : 0.2;
    const qx = Math.max(inset + radius - u, u - (1 - inset - radius), 0);
    const qy = Math.max(inset + radius - v, v - (1 - inset - radius), 0);
    if (Math.hypot(qx, qy) > radius || u < inset || v < inset || u > 1 - inset || v > 1 - inset) return [0, 0, 0, 0];
    const bg = mix([32, 36, 54], [92, 62, 170], (u + v) / 2);
    const s = maskable ? 0.75 : 1;
    if (sparkle(u, v, 0.5, 0.5, 0.3 * s)) return [...mix([255, 236, 170], [255, 255, 255], v), 255];
    if (sparkle(u, v, 0.5 + 0.24 * s, 0.5 - 0.24 * s, 0.09 * s)) return [255, 255, 255, 255];
    return [...bg, 255];
  };
}
writeFileSync('public/icons/icon-192.png', png(192, icon(false)));
writeFileSync('public/icons/icon-512.png', png(512, icon(false)));
writeFileSync('public/icons/icon-512-maskable.png', png(512, icon(true)));
console.log('icons written');
