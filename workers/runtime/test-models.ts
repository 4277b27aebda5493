// Test helpers: fixture files served by the dev server, and tiny contract models built in place.
import { type GraphDtype, type GraphPart, buildFromFolder } from '../../models/build/official.ts';
import { MANIFEST } from '../../models/manifest.ts';
import { BuildSource, folderFiles } from '../diffusion/files.ts';
import { type TinyType, tinyModel } from './tiny-model.ts';

/** The SD test model's folder (official diffusers layout) as the dev server serves it. */
export const SD_FIXTURE_FOLDER = `/models/fixtures/${MANIFEST['sd-inpaint'].id}/`;

export interface FixtureGraph {
  model: Uint8Array;
  /** ORT's `externalData`: the weight file by URL. */
  externalData: { path: string; data: string }[];
}

/** A graph of the SD test model, built in the browser from its official-layout folder as the app builds it. */
export async function sdFixtureGraph(dtype: GraphDtype, part: GraphPart): Promise<FixtureGraph> {
  const source = new BuildSource(folderFiles(SD_FIXTURE_FOLDER));
  const built = await buildFromFolder(source, part, dtype);
  return { model: built.model, externalData: built.data.map((d) => ({ path: d.location, data: `${SD_FIXTURE_FOLDER}${d.path}` })) };
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
