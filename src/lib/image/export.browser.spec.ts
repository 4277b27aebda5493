import { afterEach, describe, expect, it, vi } from 'vitest';
import { downloadBlob } from './export.ts';

describe('downloadBlob', () => {
  afterEach(() => vi.restoreAllMocks());

  it('clicks a download link for the blob, removes the link and revokes the object URL afterwards', async () => {
    const blob = new Blob(['pixels'], { type: 'image/png' });
    const created = vi.spyOn(URL, 'createObjectURL');
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    const clicks: { href: string; download: string; inDocument: boolean }[] = [];
    // Stop the real download; record what would have been downloaded.
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push({ href: this.href, download: this.download, inDocument: document.body.contains(this) });
    });

    const done = downloadBlob(blob, 'beach-edited.png', { revokeAfterMs: 10 });
    expect(created).toHaveBeenCalledWith(blob);
    const url = created.mock.results[0].value as string;
    expect(clicks).toEqual([{ href: url, download: 'beach-edited.png', inDocument: true }]);
    expect(document.querySelector(`a[href="${url}"]`)).toBeNull();
    expect(revoked).not.toHaveBeenCalled();
    // The URL still serves the blob until it is revoked.
    expect(await (await fetch(url)).text()).toBe('pixels');

    await done;
    expect(revoked).toHaveBeenCalledWith(url);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('revokes the URL at once if the click throws', () => {
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {
      throw new Error('blocked');
    });
    expect(() => downloadBlob(new Blob(['x']), 'x.png')).toThrow('blocked');
    expect(revoked).toHaveBeenCalledTimes(1);
  });
});
