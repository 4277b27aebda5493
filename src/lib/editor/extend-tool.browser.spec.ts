import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it } from 'vitest';
import ExtendPanel from '../../components/ExtendPanel.svelte';
import { NO_EXTEND } from './extend.ts';
import { ExtendTool, fitExtended } from './extend-tool.svelte.ts';

// A 400×300 image drawn at 100 % with its top-left corner at (100, 100) on an 800×600 canvas.
const IMAGE = { width: 400, height: 300 };
const VIEW = { zoom: 1, x: 100, y: 100 };
const ev = () => new PointerEvent('pointermove');

function drag(t: ExtendTool, from: [number, number], to: [number, number]): boolean {
  const pressed = t.down({ x: from[0], y: from[1] }, ev());
  if (pressed) {
    t.move({ x: (from[0] + to[0]) / 2, y: (from[1] + to[1]) / 2 }, ev());
    t.move({ x: to[0], y: to[1] }, ev());
    t.up({ x: to[0], y: to[1] }, ev());
  }
  return pressed;
}

function drawn(t: ExtendTool): OffscreenCanvasRenderingContext2D {
  const canvas = new OffscreenCanvas(800, 600);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D context');
  t.draw(ctx, { view: VIEW, dpr: 1, image: IMAGE });
  return ctx;
}

const rgba = (ctx: OffscreenCanvasRenderingContext2D, x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data);

describe('ExtendTool', () => {
  it('starts clamped and snapped', () => {
    expect(new ExtendTool(IMAGE).extend).toEqual(NO_EXTEND);
    expect(new ExtendTool(IMAGE, { left: 13, bottom: 9000 }).extend).toEqual({ left: 16, top: 0, right: 0, bottom: 296 });
  });

  it('grows the right side by the dragged distance, snapped to 8', () => {
    const t = new ExtendTool(IMAGE);
    drawn(t); // the grab distance follows the drawn zoom: 10 image px at 100 %
    const v0 = t.version;
    expect(drag(t, [400, 150], [437, 160])).toBe(true);
    expect(t.extend).toEqual({ left: 0, top: 0, right: 40, bottom: 0 });
    expect(t.size).toEqual({ width: 440, height: 300 });
    expect(t.version).toBeGreaterThan(v0);
    // The edge moved with it: grabbing it again just off the line keeps going.
    expect(drag(t, [446, 20], [510, 20])).toBe(true);
    expect(t.extend.right).toBe(104);
  });

  it('dragging inward stops at the image (0), never cropping it', () => {
    const t = new ExtendTool(IMAGE, { right: 96, left: 48 });
    expect(drag(t, [496, 150], [300, 150])).toBe(true);
    expect(t.extend).toEqual({ left: 48, top: 0, right: 0, bottom: 0 });
    expect(drag(t, [-48, 150], [-20, 150])).toBe(true);
    expect(t.extend.left).toBe(24);
    expect(drag(t, [-24, 150], [200, 150])).toBe(true);
    expect(t.extend).toEqual(NO_EXTEND);
  });

  it('a corner drags two sides; the 2× limit takes from the dragged side only', () => {
    const t = new ExtendTool(IMAGE);
    expect(drag(t, [0, 0], [-50, -30])).toBe(true);
    expect(t.extend).toEqual({ left: 48, top: 32, right: 0, bottom: 0 });
    expect(drag(t, [400, 300], [5000, 5000])).toBe(true);
    expect(t.extend).toEqual({ left: 48, top: 32, right: 352, bottom: 264 });
  });

  it('a press away from the handles is refused (the viewport pans)', () => {
    const t = new ExtendTool(IMAGE, { right: 96 });
    drawn(t);
    expect(t.down({ x: 200, y: 150 }, ev())).toBe(false);
    expect(t.down({ x: 440, y: 150 }, ev())).toBe(false); // inside the new area, away from its edges
    expect(t.down({ x: 800, y: 150 }, ev())).toBe(false);
    expect(t.dragging).toBe(false);
    expect(t.extend.right).toBe(96);
  });

  it('hovering sets the resize cursor of the handle under the pointer', () => {
    const t = new ExtendTool(IMAGE, { top: 40 });
    drawn(t);
    const at = (x: number, y: number) => {
      t.hover({ x, y });
      return t.cursor;
    };
    expect(at(200, 150)).toBe('default');
    expect(at(403, 150)).toBe('ew-resize');
    expect(at(-4, 100)).toBe('ew-resize');
    expect(at(200, -40)).toBe('ns-resize');
    expect(at(200, 306)).toBe('ns-resize');
    expect(at(2, -38)).toBe('nwse-resize');
    expect(at(400, 300)).toBe('nwse-resize');
    expect(at(398, -42)).toBe('nesw-resize');
    expect(at(0, 300)).toBe('nesw-resize');
    // The image edge is no longer a handle once the top moved away from it.
    expect(at(200, 0)).toBe('default');
    t.hover(null);
    expect(t.cursor).toBe('default');
  });

  it('draws the accent over the new area only, with the outline and the size label', () => {
    const t = new ExtendTool(IMAGE, { right: 96 });
    const ctx = drawn(t);
    // New area: screen x 500…596.
    const fill = rgba(ctx, 548, 200);
    expect(fill[3]).toBeGreaterThanOrEqual(62);
    expect(fill[3]).toBeLessThanOrEqual(66);
    [143, 108, 240].forEach((c, i) => expect(Math.abs(fill[i] - c)).toBeLessThanOrEqual(3));
    // Not over the image, nor outside the extended canvas.
    expect(rgba(ctx, 300, 250)[3]).toBe(0);
    expect(rgba(ctx, 498, 250)[3]).toBe(0);
    expect(rgba(ctx, 700, 250)[3]).toBe(0);
    // The outline on the right edge of the extended canvas, a handle at its middle.
    const outline = Array.from({ length: 200 }, (_, i) => rgba(ctx, 595, 110 + i)[3]);
    expect(Math.max(...outline)).toBe(255);
    expect(rgba(ctx, 596, 250)).toEqual([255, 255, 255, 255]);
    // The label sits above the top edge, centred on the extended canvas.
    const labelRow = Array.from({ length: 40 }, (_, i) => rgba(ctx, 348, 60 + i)[3]);
    expect(Math.max(...labelRow)).toBeGreaterThan(150);
  });

  it('draws nothing in the accent when nothing is extended', () => {
    const t = new ExtendTool(IMAGE);
    const ctx = drawn(t);
    expect(rgba(ctx, 300, 250)[3]).toBe(0);
    expect(rgba(ctx, 548, 200)[3]).toBe(0);
  });

  it('set, presets and reset go through the clamp', () => {
    const t = new ExtendTool(IMAGE, { left: 200 });
    t.set({ right: 9000 });
    expect(t.extend).toEqual({ left: 200, top: 0, right: 200, bottom: 0 });
    t.set({ top: 30 });
    expect(t.extend.top).toBe(32);
    t.applyPreset('to-1:1');
    expect(t.extend).toEqual({ left: 0, top: 48, right: 0, bottom: 48 });
    t.applyPreset('right-25');
    expect(t.extend).toEqual({ left: 0, top: 0, right: 104, bottom: 0 });
    const v = t.version;
    t.reset();
    expect(t.extend).toEqual(NO_EXTEND);
    expect(t.version).toBe(v + 1);
    t.reset();
    expect(t.version).toBe(v + 1);
    t.dispose();
    expect(t.handle).toBeNull();
  });
});

describe('fitExtended', () => {
  it('fits the extended canvas, keeping image coordinates', () => {
    const viewport = { size: { width: 1000, height: 500 } };
    expect(fitExtended(viewport, IMAGE, { left: 0, top: 0, right: 400, bottom: 0 })).toEqual({ zoom: 1, x: 100, y: 100 });
    expect(fitExtended(viewport, IMAGE, { left: 400, top: 0, right: 0, bottom: 0 })).toEqual({ zoom: 1, x: 500, y: 100 });
    // Too big for 100 %: zoomed out so the extended corners land inside the padding.
    const ext = { left: 200, top: 150, right: 200, bottom: 150 };
    const v = fitExtended({ size: { width: 600, height: 400 }, dpr: 2 }, IMAGE, ext);
    expect(v.zoom).toBeCloseTo((400 - 64) / 600);
    const left = v.x - ext.left * v.zoom;
    const top = v.y - ext.top * v.zoom;
    expect(top).toBeCloseTo(32, 0);
    expect(left).toBeGreaterThanOrEqual(32);
    expect(left + 800 * v.zoom).toBeLessThanOrEqual(600 - 32 + 0.5);
  });
});

describe('ExtendPanel', () => {
  it('applies presets, edits sides through the clamp and gates Generate', () => {
    const tool = new ExtendTool(IMAGE);
    const target = document.createElement('div');
    document.body.append(target);
    const calls: string[] = [];
    const component = mount(ExtendPanel, {
      target,
      props: { tool, image: IMAGE, prompt: 'sea', onprompt: (p: string) => calls.push(`prompt:${p}`), ongenerate: () => calls.push('generate'), oncancel: () => calls.push('cancel'), busy: false },
    });
    try {
      flushSync();
      const button = (name: string) => [...target.querySelectorAll('button')].find((b) => b.textContent?.trim() === name) as HTMLButtonElement;
      const field = (label: string) => [...target.querySelectorAll('label')].find((l) => l.textContent?.trim().startsWith(label))?.querySelector('input, textarea') as HTMLInputElement;
      expect(target.querySelector('h2')?.textContent).toBe('Extend the canvas');
      expect(target.textContent).toContain('Drag the edges of the canvas, or pick a preset.');
      expect(button('Generate').disabled).toBe(true);
      expect(target.textContent).toContain('400 × 300 (not extended)');

      button('Right 25 %').click();
      flushSync();
      expect(tool.extend.right).toBe(104);
      expect(field('Right').value).toBe('104');
      expect(target.textContent).toContain('400 × 300 → 504 × 300 (+104 right)');
      expect(button('Generate').disabled).toBe(false);

      const left = field('Left');
      left.value = '61';
      left.dispatchEvent(new Event('change', { bubbles: true }));
      flushSync();
      expect(tool.extend.left).toBe(64);
      expect(left.value).toBe('64');
      left.value = '-5';
      left.dispatchEvent(new Event('change', { bubbles: true }));
      flushSync();
      expect(tool.extend.left).toBe(0);
      expect(left.value).toBe('0');

      const prompt = field('Describe what the new area should show');
      expect(prompt.value).toBe('sea');
      prompt.value = 'sea and sky';
      prompt.dispatchEvent(new Event('input', { bubbles: true }));
      button('Generate').click();
      button('Cancel').click();
      expect(calls).toEqual(['prompt:sea and sky', 'generate', 'cancel']);
    } finally {
      unmount(component);
      target.remove();
    }
  });
});
