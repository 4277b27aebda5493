/** A history step in words, as the history panel and messages about lost steps name it. */

const labels: Record<string, string> = {
  open: 'Opened',
  rotate: 'Rotated',
  flip: 'Flipped',
  crop: 'Cropped',
  inpaint: 'Edited region',
  adjust: 'Adjusted',
  outpaint: 'Extended',
  generate: 'Generated',
};

export function describeStep(op: string, params: Record<string, unknown>): string {
  // A picture made from a description starts its project.
  if (op === 'open' && params.op === 'generate') return labels.generate;
  const base = labels[op] ?? op;
  if (op === 'rotate') return `${base} ${params.direction === 'ccw' ? 'left' : 'right'}`;
  if (op === 'flip') return `${base} ${String(params.axis)}`;
  if (op === 'crop') return `${base} to ${String(params.width)}×${String(params.height)}`;
  return base;
}
