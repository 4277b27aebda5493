// Test helpers: fixture files served by the dev server, and tiny contract models built in place.
import { MANIFEST } from '../../models/manifest.ts';
import { type TinyType, tinyModel } from './tiny-model.ts';

/** URL of a fixture session file of `sd-inpaint` (fp32 in the project folder, fp16 in jdp8's). */
export function sdFixtureUrl(dtype: 'fp32' | 'fp16', session: 'unet' | 'vae_decoder' | 'vae_encoder' | 'text_encoder'): string {
  const spec = MANIFEST['sd-inpaint'];
  const variant = spec.variants[dtype]!;
  return `/models/fixtures/${variant.id ?? spec.id}/${variant.files[session].path}`;
}

export async function fixtureBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}. Generate fixtures first: npm run fixtures`);
  return new Uint8Array(await response.arrayBuffer());
}

/** y = sample + float(timestep), both [batch_size]: a UNet-like timestep input of any type. */
export function timestepModel(type: TinyType): Uint8Array {
  const cast = type !== 'float32';
  return tinyModel(
    [
      { name: 'sample', type: 'float32', dims: ['batch_size'] },
      { name: 'timestep', type, dims: ['batch_size'] },
    ],
    [{ name: 'y', type: 'float32', dims: ['batch_size'] }],
    [...(cast ? [{ op: 'Cast', inputs: ['timestep'], outputs: ['t'], ints: { to: 1 } }] : []), { op: 'Add', inputs: ['sample', cast ? 't' : 'timestep'], outputs: ['y'] }],
  );
}

/** float32 in and out, float16 inside: the case where only running reveals the need for shader-f16. */
export const hiddenF16Model = () =>
  tinyModel(
    [{ name: 'x', type: 'float32', dims: [4] }],
    [{ name: 'y', type: 'float32', dims: [4] }],
    [
      { op: 'Cast', inputs: ['x'], outputs: ['h'], ints: { to: 10 } },
      { op: 'Add', inputs: ['h', 'h'], outputs: ['h2'] },
      { op: 'Cast', inputs: ['h2'], outputs: ['y'], ints: { to: 1 } },
    ],
  );

/** y = x + x in float16, with float16 input and output. */
export const halfModel = () =>
  tinyModel([{ name: 'x', type: 'float16', dims: [4] }], [{ name: 'y', type: 'float16', dims: [4] }], [{ op: 'Add', inputs: ['x', 'x'], outputs: ['y'] }]);

export const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return a.length === b.length ? m : Infinity;
};
