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

/**
 * The region-resolution form Tuwen reports: attention lives on a coarse grid of regions, so a peak hits
 * when its region (slices × rows × columns of the original volume it covers) overlaps the finding's box
 * on one of those slices.
 */
export function regionHits(peak: { d: number; r: number; c: number }, regionShape: readonly [number, number, number], volume: { depth: number; height: number; width: number }, boxes: readonly SliceBox[]): boolean {
  const [rd, rh, rw] = regionShape;
  const s0 = (peak.d * volume.depth) / rd;
  const s1 = ((peak.d + 1) * volume.depth) / rd;
  const x0 = (peak.c * volume.width) / rw;
  const x1 = ((peak.c + 1) * volume.width) / rw;
  const y0 = (peak.r * volume.height) / rh;
  const y1 = ((peak.r + 1) * volume.height) / rh;
  return boxes.some(({ slice, box: [bx0, by0, bx1, by1] }) => slice + 1 > s0 && slice < s1 && bx1 + 1 > x0 && bx0 < x1 && by1 + 1 > y0 && by0 < y1);
}

/** Index of the largest weight as (slice, row, column) of the region grid. */
export function peakRegion(weights: ArrayLike<number>, regionShape: readonly [number, number, number]): { d: number; r: number; c: number } {
  const [, rh, rw] = regionShape;
  let best = 0;
  for (let i = 1; i < weights.length; i++) if (weights[i]! > weights[best]!) best = i;
  return { d: Math.floor(best / (rh * rw)), r: Math.floor((best % (rh * rw)) / rw), c: best % rw };
}
