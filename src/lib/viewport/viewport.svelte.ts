import { fitView, pan, toImage, zoomAt, zoomTo, type Size, type View } from './view-math.ts';

export type ZoomPreset = 'fit' | 'actual';

/**
 * Where the image sits on screen. Owned by the app; the Viewport component feeds it the canvas
 * size and pointer input, the toolbar calls the presets.
 */
export class ViewportState {
  view = $state<View>({ zoom: 1, x: 0, y: 0 });
  /** Canvas size in device pixels. */
  size = $state<Size>({ width: 1, height: 1 });
  dpr = $state(1);
  image = $state.raw<Size | null>(null);
  /** True while the view follows "fit" (re-fits on resize) until the user zooms or pans. */
  fitting = $state(true);

  percent = $derived(Math.round(this.view.zoom * 100));

  setImage(image: Size | null, refit: boolean): void {
    this.image = image;
    if (refit) this.fit();
  }

  resize(size: Size, dpr: number): void {
    this.size = size;
    this.dpr = dpr;
    if (this.fitting) this.fit();
  }

  fit(): void {
    this.fitting = true;
    if (this.image) this.view = fitView(this.image, this.size, Math.round(16 * this.dpr));
  }

  /** 100 %: one image pixel per device pixel, around the viewport centre. */
  actual(): void {
    this.zoomTo(1);
  }

  zoomTo(zoom: number, cx = this.size.width / 2, cy = this.size.height / 2): void {
    this.fitting = false;
    this.view = zoomTo(this.view, zoom, cx, cy);
  }

  zoomBy(factor: number, cx = this.size.width / 2, cy = this.size.height / 2): void {
    this.fitting = false;
    this.view = zoomAt(this.view, factor, cx, cy);
  }

  panBy(dx: number, dy: number): void {
    this.fitting = false;
    this.view = pan(this.view, dx, dy);
  }

  /** CSS-pixel offset within the canvas → image coordinates. */
  imagePoint(cssX: number, cssY: number): { x: number; y: number } {
    return toImage(this.view, cssX * this.dpr, cssY * this.dpr);
  }
}
