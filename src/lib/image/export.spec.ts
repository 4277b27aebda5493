import { describe, expect, it } from 'vitest';
import { exportFileName } from './export.ts';

describe('exportFileName', () => {
  it.each([
    ['beach.jpg', 'image/webp', 'beach-edited.webp'],
    ['beach.jpg', 'image/jpeg', 'beach-edited.jpg'],
    ['IMG_0001.HEIC', 'image/png', 'IMG_0001-edited.png'],
    ['C:\\Users\\me\\Pictures\\holiday.png', 'image/png', 'holiday-edited.png'],
    ['/home/me/pics/dog.webp', 'image/jpeg', 'dog-edited.jpg'],
    ['a<b>c:d"e|f?g*h.png', 'image/png', 'a-b-c-d-e-f-g-h-edited.png'],
    ['tab\there\u0007.png', 'image/png', 'tab here-edited.png'],
    ['beach-edited.jpg', 'image/webp', 'beach-edited.webp'],
    ['..hidden.png', 'image/png', 'hidden-edited.png'],
    ['no extension', 'image/png', 'no extension-edited.png'],
    ['archive.tar.gz', 'image/png', 'archive.tar-edited.png'],
    ['', 'image/png', 'image-edited.png'],
    ['.jpg', 'image/png', 'image-edited.png'],
    ['???.jpg', 'image/jpeg', 'image-edited.jpg'],
    ['Été à Nice.jpg', 'image/png', 'Été à Nice-edited.png'],
  ] as const)('%s as %s → %s', (name, type, expected) => {
    expect(exportFileName(name, type)).toBe(expected);
  });

  it('keeps long names to 100 characters before the suffix, without splitting a character', () => {
    const name = exportFileName(`${'🌊'.repeat(150)}.png`, 'image/png');
    expect(name).toBe(`${'🌊'.repeat(100)}-edited.png`);
  });
});
