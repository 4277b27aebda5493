/**
 * Image operations off the main thread. Bitmaps arrive transferred and leave transferred (never copied
 * through postMessage); the worker closes every input once it has drawn it. Client: src/lib/image/image-worker.ts.
 */
import * as Comlink from 'comlink';
import { exposeWatched } from './bridge/endpoint.ts';
import { crop, downscale, encode, flip, rotate, thumbnail, type CropRect, type EncodeType, type FlipAxis, type RotateDirection } from '../src/lib/image/ops.ts';
import { WorkingImage, type Displayed, type EditOp, type OpenResult } from '../src/lib/image/working-image.ts';
import type { DecodeOptions } from '../src/lib/image/decode.ts';
import type { Adjustments } from '../src/lib/image/gpu-adjust.ts';
import type { Rect, StepImage } from '../src/lib/history/types.ts';

function using<T>(input: ImageBitmap, run: (b: ImageBitmap) => T): T {
  try {
    return run(input);
  } finally {
    input.close();
  }
}

async function usingAsync<T>(input: ImageBitmap, run: (b: ImageBitmap) => Promise<T>): Promise<T> {
  try {
    return await run(input);
  } finally {
    input.close();
  }
}

const sendBack = (result: ImageBitmap) => Comlink.transfer(result, [result]);
const sendDisplayed = <T extends Displayed>(result: T) => Comlink.transfer(result, WorkingImage.transferables(result));

/** The editor's working image lives here; see src/lib/image/working-image.ts. */
const working = new WorkingImage();

const api = {
  openImage: async (file: Blob, options: DecodeOptions): Promise<OpenResult> => {
    const result = await working.open(file, options);
    return result.ok ? Comlink.transfer(result, WorkingImage.transferables(result.value)) : result;
  },
  showImage: async (image: StepImage) => sendDisplayed(await working.show(image)),
  renderImage: async (image: StepImage) => sendBack(await working.render(image)),
  label: (key: string) => working.label(key),
  applyEdit: async (edit: EditOp) => sendDisplayed(await working.apply(edit)),
  previewAdjust: async (adjustments: Partial<Adjustments>) => sendBack(await working.previewAdjust(adjustments)),
  pixels: () => {
    const p = working.pixels();
    return Comlink.transfer(p, [p.data.buffer]);
  },
  maskAtImageSize: (mask: { data: Float32Array; width: number; height: number }) => {
    const m = working.maskAtImageSize(mask);
    return Comlink.transfer(m, [m.data.buffer]);
  },
  adopt: async (rgba: { data: Uint8ClampedArray<ArrayBuffer>; width: number; height: number }, box?: Rect) => sendDisplayed(await working.adopt(rgba, box)),
  analysisCopy: (maxSide: number) => sendBack(working.analysisCopy(maxSide)),
  encodeImage: (type: EncodeType, quality?: number) => working.encode(type, quality),
  closeImage: () => working.close(),
  rotate: (bitmap: ImageBitmap, direction: RotateDirection) => sendBack(using(bitmap, (b) => rotate(b, direction))),
  flip: (bitmap: ImageBitmap, axis: FlipAxis) => sendBack(using(bitmap, (b) => flip(b, axis))),
  crop: (bitmap: ImageBitmap, rect: CropRect) => sendBack(using(bitmap, (b) => crop(b, rect))),
  downscale: (bitmap: ImageBitmap, maxSide: number) => sendBack(using(bitmap, (b) => downscale(b, maxSide))),
  encode: (bitmap: ImageBitmap, type: EncodeType, quality?: number) => usingAsync(bitmap, (b) => encode(b, type, quality)),
  thumbnail: (bitmap: ImageBitmap, maxSide?: number) => usingAsync(bitmap, (b) => thumbnail(b, maxSide)),
};

export type ImageWorkerApi = typeof api;

exposeWatched(api);
