/**
 * The attention pointing game: for a token that names a finding or its lobe, the peak of the visual
 * attention must fall inside that finding's ground-truth box on the peak's slice. A hit rate over all
 * such tokens.
 */
import type { SliceBox } from '../corpus/schema.ts';

/** Where attention peaked, in image pixels (x column, y row) on a slice. */
export interface AttentionPeak {
  slice: number;
  x: number;
  y: number;
}

export function pointsInside(peak: AttentionPeak, boxes: readonly SliceBox[], margin = 0): boolean {
  return boxes.some(
    ({ slice, box: [x0, y0, x1, y1] }) => slice === peak.slice && peak.x >= x0 - margin && peak.x <= x1 + margin && peak.y >= y0 - margin && peak.y <= y1 + margin,
  );
}

/**
 * Peak of a regions attention map (slices × rows × cols cells over an image of size × size pixels),
 * returned as the centre of the winning cell in pixels.
 */
export function attentionPeak(weights: ArrayLike<number>, shape: readonly [number, number, number], imageSize: number): AttentionPeak {
  const [, rows, cols] = shape;
  let best = 0;
  for (let i = 1; i < weights.length; i++) if (weights[i]! > weights[best]!) best = i;
  const slice = Math.floor(best / (rows * cols));
  const cell = best % (rows * cols);
  return { slice, x: ((cell % cols) + 0.5) * (imageSize / cols), y: (Math.floor(cell / cols) + 0.5) * (imageSize / rows) };
}

export function pointingGame(trials: readonly { peak: AttentionPeak; boxes: readonly SliceBox[] }[]): { hits: number; total: number; rate: number } {
  const hits = trials.filter((t) => pointsInside(t.peak, t.boxes)).length;
  return { hits, total: trials.length, rate: trials.length ? hits / trials.length : Number.NaN };
}
