import { flushSync, mount, unmount } from 'svelte';
import { describe, expect, it } from 'vitest';
import MaskTools from '../../components/MaskTools.svelte';
import { MaskEditor } from './mask-editor.svelte.ts';
import { blankMask } from './mask-plane.ts';

// A 2000×1000 image edits a 1024×512 mask: image → plane is ×0.512.
const IMAGE = { width: 2000, height: 1000 };
const S = 0.512;
const ev = () => new PointerEvent('pointermove');

function planeAt(m: MaskEditor, x: number, y: number): number {
  return m.plane.data[Math.floor(y * S) * m.plane.width + Math.floor(x * S)];
}
/** Overlay RGBA at image point (x, y). */
function overlayAt(m: MaskEditor, x: number, y: number): number[] {
  const ctx = m.overlay.getContext('2d');
  if (!ctx) throw new Error('no context');
  return Array.from(ctx.getImageData(Math.floor(x * S), Math.floor(y * S), 1, 1).data);
}
/** The overlay colour at `alpha` (premultiplied storage moves the colour by a unit or two). */
function expectTint(rgba: number[], alpha: number): void {
  expect(rgba[3]).toBe(alpha);
  rgba.slice(0, 3).forEach((c, i) => expect(Math.abs(c - [143, 108, 240][i])).toBeLessThanOrEqual(2));
}
function stroke(m: MaskEditor, points: [number, number][]): void {
  const [first, ...rest] = points;
  m.down({ x: first[0], y: first[1] }, ev());
  for (const [x, y] of rest) m.move({ x, y }, ev());
  const last = points[points.length - 1];
  m.up({ x: last[0], y: last[1] }, ev());
}

describe('MaskEditor', () => {
  it('starts from a copy of the plane with the default brush', () => {
    const plane = blankMask(IMAGE.width, IMAGE.height);
    plane.data[0] = 1;
    const m = new MaskEditor(plane, IMAGE);
    plane.data[0] = 0;
    expect(m.plane.data[0]).toBe(1);
    expect([m.plane.width, m.plane.height]).toEqual([1024, 512]);
    expect([m.overlay.width, m.overlay.height]).toEqual([1024, 512]);
    expect(m.size).toBe(100);
    expect(m.hardness).toBe(0.7);
    expect(m.mode).toBe('paint');
    expect(m.visible).toBe(true);
    expect(m.edited).toBe(false);
    expect(m.coverage).toBeCloseTo(1 / (1024 * 512));
    expectTint(overlayAt(m, 0, 0), 140);
    expect(overlayAt(m, 1000, 500)[3]).toBe(0);
  });

  it('paints along a stroke in image coordinates and updates the overlay', () => {
    const m = MaskEditor.blank(IMAGE);
    m.setHardness(1);
    m.setSize(200);
    const v0 = m.version;
    stroke(m, [
      [400, 500],
      [800, 500],
      [1200, 500],
    ]);
    expect(m.version).toBeGreaterThan(v0);
    expect(m.edited).toBe(true);
    for (const x of [400, 700, 1000, 1200]) {
      expect(planeAt(m, x, 500)).toBe(1);
      expectTint(overlayAt(m, x, 500), 140);
    }
    expect(planeAt(m, 800, 580)).toBe(1); // within the 100 px radius
    expect(planeAt(m, 800, 620)).toBe(0);
    expect(overlayAt(m, 800, 620)[3]).toBe(0);
    expect(planeAt(m, 250, 500)).toBe(0); // beyond the round cap
    // A 200 px × 800 px capsule over 2000×1000.
    expect(m.coverage).toBeCloseTo((200 * 800 + Math.PI * 100 * 100) / 2e6, 2);
  });

  it('erases, inverts and clears', () => {
    const m = MaskEditor.blank(IMAGE);
    m.setHardness(1);
    m.setSize(300);
    stroke(m, [
      [1000, 500],
      [1000, 500],
    ]);
    expect(planeAt(m, 1000, 500)).toBe(1);
    m.setMode('erase');
    m.setSize(60);
    stroke(m, [
      [900, 500],
      [1100, 500],
    ]);
    expect(planeAt(m, 1000, 500)).toBe(0);
    expect(overlayAt(m, 1000, 500)[3]).toBe(0);
    expect(planeAt(m, 1000, 420)).toBe(1);

    const v = m.version;
    m.invert();
    expect(m.version).toBeGreaterThan(v);
    expect(planeAt(m, 1000, 500)).toBe(1);
    expect(planeAt(m, 1000, 420)).toBe(0);
    expect(planeAt(m, 10, 10)).toBe(1);
    expectTint(overlayAt(m, 10, 10), 140);
    expect(m.coverage).toBeGreaterThan(0.9);

    m.clear();
    expect(m.coverage).toBe(0);
    expect(m.plane.data.every((x) => x === 0)).toBe(true);
    expect(overlayAt(m, 10, 10)[3]).toBe(0);
  });

  it('changes brush size within 1…the longer side; grow/shrink step by 1.25', () => {
    const m = MaskEditor.blank(IMAGE);
    m.setSize(100);
    m.grow();
    expect(m.size).toBe(125);
    m.shrink();
    expect(m.size).toBe(100);
    m.setSize(2);
    m.grow();
    expect(m.size).toBe(3);
    m.shrink();
    m.shrink();
    m.shrink();
    expect(m.size).toBe(1);
    m.setSize(1e6);
    expect(m.size).toBe(2000);
    m.grow();
    expect(m.size).toBe(2000);
    m.setHardness(3);
    expect(m.hardness).toBe(1);
    const v = m.version;
    m.setMode('erase');
    m.toggleVisible();
    expect(m.visible).toBe(false);
    expect(m.version).toBe(v + 2);
  });

  it('undoStroke restores the mask and overlay before each stroke, invert and clear', () => {
    const m = MaskEditor.blank(IMAGE);
    m.setHardness(1);
    expect(m.undoStroke()).toBe(false);
    stroke(m, [
      [300, 300],
      [600, 300],
    ]);
    const afterFirst = m.snapshotPlane();
    stroke(m, [
      [300, 700],
      [600, 700],
    ]);
    m.invert();
    m.clear();
    expect(m.canUndo).toBe(true);
    expect(m.undoStroke()).toBe(true); // clear
    expect(planeAt(m, 10, 10)).toBe(1);
    expect(m.undoStroke()).toBe(true); // invert
    expect(planeAt(m, 10, 10)).toBe(0);
    expect(planeAt(m, 450, 700)).toBe(1);
    expect(m.undoStroke()).toBe(true); // second stroke
    expect(m.plane.data).toEqual(afterFirst.data);
    expect(overlayAt(m, 450, 700)[3]).toBe(0);
    expect(overlayAt(m, 450, 300)[3]).toBe(140);
    expect(m.undoStroke()).toBe(true); // first stroke
    expect(m.coverage).toBe(0);
    expect(m.canUndo).toBe(false);
    expect(m.undoStroke()).toBe(false);
  });

  it('keeps the last 20 states', () => {
    const m = MaskEditor.blank({ width: 200, height: 100 });
    for (let i = 0; i < 25; i++) stroke(m, [[5 + i * 7, 50]]);
    let undone = 0;
    while (m.undoStroke()) undone++;
    expect(undone).toBe(20);
    expect(m.plane.data[50 * 200 + 5]).toBe(1); // the first five strokes stay
    expect(m.plane.data[50 * 200 + 5 + 7 * 6]).toBe(0);
  });

  it('snapshotPlane is a detached copy', () => {
    const m = MaskEditor.blank(IMAGE);
    const snap = m.snapshotPlane();
    stroke(m, [[1000, 500]]);
    expect(snap.data.every((x) => x === 0)).toBe(true);
    expect(snap.data.buffer).not.toBe(m.plane.data.buffer);
  });

  it('cursor hides over the image while the outline is drawn', () => {
    const m = MaskEditor.blank(IMAGE);
    expect(m.cursor).toBe('crosshair');
    const v = m.version;
    m.hover({ x: 100, y: 100 });
    expect(m.version).toBe(v + 1);
    expect(m.cursor).toBe('none');
    m.hover({ x: -5, y: 100 });
    expect(m.cursor).toBe('crosshair');
    m.hover(null);
    expect(m.cursor).toBe('crosshair');

    // The outline: a white ring at radius size/2·zoom around the screen position.
    const canvas = document.createElement('canvas');
    canvas.width = 400;
    canvas.height = 300;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no context');
    m.setSize(200);
    m.hover({ x: 1002.5, y: 502.5 }); // screen (200.5, 100.5): pixel centres
    m.draw(ctx, { view: { zoom: 0.2, x: 0, y: 0 }, dpr: 1, image: IMAGE });
    const px = (x: number, y: number) => Array.from(ctx.getImageData(x, y, 1, 1).data);
    expect(px(200, 100)[3]).toBe(0); // centre
    expect(px(220, 100).slice(0, 3)).toEqual([255, 255, 255]); // the white ring at radius 20
    expect(px(220, 100)[3]).toBeGreaterThan(150);
    expect(px(221, 100).slice(0, 3)).toEqual([0, 0, 0]); // the dark ring just outside
    expect(px(221, 100)[3]).toBeGreaterThan(100);
    expect(px(240, 100)[3]).toBe(0);
  });

  it('a long stroke on a 1024×683 plane stays fast per move', () => {
    const image = { width: 3072, height: 2049 };
    const m = new MaskEditor(blankMask(image.width, image.height), image);
    expect([m.plane.width, m.plane.height]).toEqual([1024, 683]);
    m.setSize(300); // 100 plane pixels
    const times: number[] = [];
    m.down({ x: 100, y: 100 }, ev());
    for (let i = 1; i <= 200; i++) {
      const t = i / 200;
      const p = { x: 100 + t * 2800, y: 1000 + Math.sin(t * 12) * 800 };
      const start = performance.now();
      m.move(p, ev());
      times.push(performance.now() - start);
    }
    m.up({ x: 2900, y: 1000 }, ev());
    const worst = times.indexOf(Math.max(...times));
    times.sort((a, b) => a - b);
    console.log(
      `mask brush, 200 moves on 1024×683 (brush 100 plane px): max ${times[199].toFixed(2)} ms (move ${worst + 1}), p95 ${times[189].toFixed(2)} ms, median ${times[100].toFixed(2)} ms`,
    );
    expect(m.coverage).toBeGreaterThan(0.05);
  });
});

describe('MaskTools', () => {
  it('drives the editor from its controls and keys', () => {
    const m = MaskEditor.blank(IMAGE);
    let done = 0;
    const target = document.body.appendChild(document.createElement('div'));
    const app = mount(MaskTools, { target, props: { mask: m, ondone: () => done++ } });
    try {
      flushSync();
      const button = (name: string) => {
        const b = [...target.querySelectorAll('button')].find((x) => x.textContent?.trim() === name);
        if (!b) throw new Error(`no ${name} button`);
        return b;
      };
      const key = (k: string, init: KeyboardEventInit = {}, on: EventTarget = document.body) => {
        const e = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
        on.dispatchEvent(e);
        flushSync();
        return e;
      };
      expect(button('Brush').getAttribute('aria-pressed')).toBe('true');
      button('Eraser').click();
      flushSync();
      expect(m.mode).toBe('erase');
      expect(button('Eraser').getAttribute('aria-pressed')).toBe('true');
      expect(button('Brush').getAttribute('aria-pressed')).toBe('false');

      key('b');
      expect(m.mode).toBe('paint');
      key('x');
      expect(m.mode).toBe('erase');
      key('E');
      expect(m.mode).toBe('erase');
      key(']');
      expect(m.size).toBe(125);
      expect(target.querySelector('output[for="mask-size"]')?.textContent).toBe('125 px');
      key('[');
      expect(m.size).toBe(100);
      key(']', { ctrlKey: true });
      expect(m.size).toBe(100);
      const size = target.querySelector<HTMLInputElement>('#mask-size');
      if (!size) throw new Error('no size slider');
      key(']', {}, size); // typing in a field
      expect(m.size).toBe(100);
      size.value = '0';
      size.dispatchEvent(new Event('input', { bubbles: true }));
      flushSync();
      expect(m.size).toBe(1);
      size.value = '200';
      size.dispatchEvent(new Event('input', { bubbles: true }));
      expect(m.size).toBe(2000);

      button('Show mask').click();
      flushSync();
      expect(m.visible).toBe(false);
      expect(button('Show mask').getAttribute('aria-pressed')).toBe('false');
      expect(button('Undo stroke').disabled).toBe(true);
      button('Invert').click();
      flushSync();
      expect(m.coverage).toBe(1);
      expect(button('Undo stroke').disabled).toBe(false);
      // Ctrl+Z undoes the invert and never reaches the page's own listener.
      let reached = 0;
      const page = () => reached++;
      window.addEventListener('keydown', page);
      const z = key('z', { ctrlKey: true });
      expect(m.coverage).toBe(0);
      expect(z.defaultPrevented).toBe(true);
      expect(reached).toBe(0);
      key('z', { ctrlKey: true }); // nothing left: the page's undo gets it
      expect(reached).toBe(1);
      window.removeEventListener('keydown', page);
      button('Clear').click();
      button('Done').click();
      expect(done).toBe(1);
    } finally {
      unmount(app);
      target.remove();
    }
    // The listeners left with the component.
    const before = m.size;
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: ']', bubbles: true }));
    expect(m.size).toBe(before);
  });
});
