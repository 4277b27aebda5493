import { expect, it } from 'vitest';
import { maskFromPng, maskToPng } from './mask-codec.ts';
import { blankMask, paintStroke } from './mask-plane.ts';

it('a mask survives a PNG round trip within 1/255', async () => {
  const mask = blankMask(300, 200);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = ((i * 37) % 256) / 255 + (i % 3) * 0.001;
  paintStroke(mask, { x: 20, y: 20 }, { x: 250, y: 150 }, { radius: 30, hardness: 0.2, mode: 'paint' });
  mask.data[0] = 0;
  mask.data[1] = 1;
  const png = await maskToPng(mask);
  expect(png.type).toBe('image/png');
  const back = await maskFromPng(png);
  expect([back.width, back.height]).toEqual([300, 200]);
  let worst = 0;
  for (let i = 0; i < mask.data.length; i++) worst = Math.max(worst, Math.abs(back.data[i] - Math.min(1, mask.data[i])));
  expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  expect(back.data[0]).toBe(0);
  expect(back.data[1]).toBe(1);
});
