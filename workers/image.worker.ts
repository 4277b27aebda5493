/**
 * Image operations off the main thread. Bitmaps arrive transferred and leave transferred (never copied
 * through postMessage); the worker closes every input once it has drawn it. Client: src/lib/image/image-worker.ts.
 */
import * as Comlink from 'comlink';
import { crop, encode, flip, rotate, thumbnail, type CropRect, type EncodeType, type FlipAxis, type RotateDirection } from '../src/lib/image/ops.ts';

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

const api = {
  rotate: (bitmap: ImageBitmap, direction: RotateDirection) => sendBack(using(bitmap, (b) => rotate(b, direction))),
  flip: (bitmap: ImageBitmap, axis: FlipAxis) => sendBack(using(bitmap, (b) => flip(b, axis))),
  crop: (bitmap: ImageBitmap, rect: CropRect) => sendBack(using(bitmap, (b) => crop(b, rect))),
  encode: (bitmap: ImageBitmap, type: EncodeType, quality?: number) => usingAsync(bitmap, (b) => encode(b, type, quality)),
  thumbnail: (bitmap: ImageBitmap, maxSide?: number) => usingAsync(bitmap, (b) => thumbnail(b, maxSide)),
};

export type ImageWorkerApi = typeof api;

Comlink.expose(api);
