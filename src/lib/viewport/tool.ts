import type { View } from './view-math.ts';

export interface Point {
  x: number;
  y: number;
}

/** What a tool is told when it draws: the view (device pixels), the DPR and the image size. */
export interface ToolFrame {
  view: View;
  dpr: number;
  image: { width: number; height: number };
}

/**
 * A pointer tool the viewport hands primary-button input to (brush, canvas extension, …).
 * Points are in image pixels, unclamped (outside the image is allowed). Space-, middle-drag and
 * two-finger gestures still pan and zoom; the tool never sees them.
 */
export interface ViewportTool {
  /** CSS cursor over the canvas. */
  readonly cursor: string;
  /**
   * Bumped whenever what `draw` would draw changes; the viewport redraws on it. Read it from
   * reactive state (a `$state` field) so the viewport's effect follows it.
   */
  readonly version: number;
  /** A primary-button press; return false to let the press pan instead. */
  down(p: Point, e: PointerEvent): boolean;
  move(p: Point, e: PointerEvent): void;
  up(p: Point, e: PointerEvent): void;
  /** Pointer position with no button pressed (null when it leaves), e.g. for a brush outline. */
  hover?(p: Point | null): void;
  /** Draws over the image in screen space (device pixels, identity transform). */
  draw?(ctx: CanvasRenderingContext2D, frame: ToolFrame): void;
}
