/**
 * Viewport math in device pixels: screen = image · zoom + offset.
 * Working in device pixels makes 100 % mean one image pixel per device pixel at any DPR.
 */
export interface View {
  zoom: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export const MIN_ZOOM = 1 / 64;
export const MAX_ZOOM = 64;

const clampZoom = (z: number) => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));

/** The whole image centred in the viewport with `padding` device pixels around it; never above 100 %. */
export function fitView(image: Size, viewport: Size, padding = 16): View {
  const availW = Math.max(1, viewport.width - 2 * padding);
  const availH = Math.max(1, viewport.height - 2 * padding);
  const zoom = clampZoom(Math.min(1, availW / image.width, availH / image.height));
  return centred(image, viewport, zoom);
}

/** The image at `zoom`, centred; offsets rounded so 100 % lands on whole device pixels. */
export function centred(image: Size, viewport: Size, zoom: number): View {
  return {
    zoom,
    x: Math.round((viewport.width - image.width * zoom) / 2),
    y: Math.round((viewport.height - image.height * zoom) / 2),
  };
}

/** Zoom by `factor` keeping the image point under (cx, cy) fixed. */
export function zoomAt(view: View, factor: number, cx: number, cy: number): View {
  const zoom = clampZoom(view.zoom * factor);
  const k = zoom / view.zoom;
  const x = cx - (cx - view.x) * k;
  const y = cy - (cy - view.y) * k;
  // At integer zooms, snap the offset so image pixels stay aligned to device pixels.
  const snap = Number.isInteger(zoom) || Number.isInteger(1 / zoom);
  return { zoom, x: snap ? Math.round(x) : x, y: snap ? Math.round(y) : y };
}

/** Zoom to an absolute level around (cx, cy). */
export function zoomTo(view: View, zoom: number, cx: number, cy: number): View {
  return zoomAt(view, zoom / view.zoom, cx, cy);
}

export function pan(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** Device-pixel screen point → image pixel coordinates (fractional). */
export function toImage(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.x) / view.zoom, y: (sy - view.y) / view.zoom };
}

export function toScreen(view: View, ix: number, iy: number): { x: number; y: number } {
  return { x: ix * view.zoom + view.x, y: iy * view.zoom + view.y };
}

/** Wheel delta → zoom factor; pixel-mode and line-mode deltas feel the same. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-pixels * 0.0015);
}
