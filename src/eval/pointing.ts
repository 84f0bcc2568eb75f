/**
 * The attention pointing game: for a token that names a finding or its lobe, the peak of the visual
 * attention must fall on that finding's ground-truth box. A hit rate over all such tokens.
 */
import type { SliceBox } from '../corpus/schema.ts';

/**
 * Attention lives on a coarse grid of regions, so a peak hits when its region (the slices × rows ×
 * columns of the original volume it covers) overlaps the finding's box on one of those slices.
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

/** 1 for every region of the grid that a finding's boxes overlap (the attention target for its tokens). */
export function boxRegions(regionShape: readonly [number, number, number], volume: { depth: number; height: number; width: number }, boxes: readonly SliceBox[]): Uint8Array {
  const [rd, rh, rw] = regionShape;
  const out = new Uint8Array(rd * rh * rw);
  for (let d = 0; d < rd; d++) for (let r = 0; r < rh; r++) for (let c = 0; c < rw; c++) out[(d * rh + r) * rw + c] = regionHits({ d, r, c }, regionShape, volume, boxes) ? 1 : 0;
  return out;
}
