/** Helpers shared by the history specs (browser only: they touch IndexedDB). */
import { createStore, keys, type UseStore } from 'idb-keyval';
import { HistoryStore } from './store.ts';
import type { EntryInput, OpenInput, StepImage } from './types.ts';

/** A database no other test uses; a second `connect()` to the same name acts as a page reload. */
export function freshDb(): { name: string; connect: () => UseStore } {
  const name = `history-test-${crypto.randomUUID()}`;
  return { name, connect: () => createStore(name, 'projects') };
}

export const storeOf = (db: UseStore): HistoryStore => new HistoryStore(db);

export function textBlob(text: string, type = 'image/png'): Blob {
  return new Blob([text], { type });
}

/** The blob itself, or a step's image when it is stored whole (no steps to replay). */
function whole(image: Blob | StepImage | null | undefined): Blob {
  if (!image) throw new Error('expected a blob');
  if (image instanceof Blob) return image;
  if (image.steps.length) throw new Error(`expected a full image, got ${image.steps.length} steps to replay`);
  return image.base;
}

export async function bytes(image: Blob | StepImage | null | undefined): Promise<number[]> {
  return [...new Uint8Array(await whole(image).arrayBuffer())];
}

export async function text(image: Blob | StepImage | null | undefined): Promise<string> {
  return whole(image).text();
}

/** Incompressible bytes, so stored size matches the length whatever the backend does. */
export function randomBlob(size: number, type = 'image/png'): Blob {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(size, i + 65536)));
  return new Blob([data], { type });
}

/** A JPEG-looking file with an EXIF segment, as a File (name and type must survive too). */
export function originalFile(name = 'photo.jpg'): File {
  const head = [0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00, 0x4d, 0x4d, 0x00, 0x2a];
  const tail = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256);
  return new File([new Uint8Array([...head, ...tail, 0xff, 0xd9])], name, { type: 'image/jpeg', lastModified: 1_700_000_000_000 });
}

export function openInput(name: string, withImage = true): OpenInput {
  return {
    name,
    original: originalFile(`${name}.jpg`),
    image: withImage ? textBlob(`${name}:image:open`) : undefined,
    thumbnail: textBlob(`${name}:thumb:open`),
    width: 640,
    height: 480,
  };
}

/** An entry whose blobs spell out its label, so a test can tell which entry's blob it got back. */
export function editInput(label: string, extra: Partial<EntryInput> = {}): EntryInput {
  return {
    op: 'rotate',
    params: { degrees: 90, label },
    image: textBlob(`image:${label}`),
    thumbnail: textBlob(`thumb:${label}`),
    width: 480,
    height: 640,
    ...extra,
  };
}

export async function allKeys(db: UseStore): Promise<IDBValidKey[][]> {
  return (await keys(db)) as IDBValidKey[][];
}

/** A clock that ticks once per call, so times and orderings are exact. */
export function tickingClock(start = 1000): () => number {
  let t = start;
  return () => t++;
}
