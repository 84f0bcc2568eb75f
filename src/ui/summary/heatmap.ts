/**
 * A token's visual attention as an image over the displayed slice: the region grid's cells for the
 * slice's region depth, coloured by weight relative to the token's peak (over all regions), to be drawn
 * scaled (smoothed) over the image's pixels.
 */
import { heatRgba, relativeWeights } from './colors.ts';
import type { HeatmapView } from '../store/view.ts';

/** Region depth index that a slice of a `depth`-slice volume falls in. */
export function sliceRegion(slice: number, depth: number, regionSlices: number): number {
  return Math.min(regionSlices - 1, Math.floor((slice * regionSlices) / depth));
}

/** RGBA pixels (rows × columns of the region grid) for one slice. */
export function heatmapPixels(weights: ArrayLike<number>, shape: readonly [number, number, number], slice: number, depth: number): Uint8ClampedArray<ArrayBuffer> {
  const [rd, rh, rw] = shape;
  const relative = relativeWeights(weights);
  const d = sliceRegion(slice, depth, rd);
  const out = new Uint8ClampedArray(rh * rw * 4);
  for (let i = 0; i < rh * rw; i++) out.set(heatRgba(relative[d * rh * rw + i]!), i * 4);
  return out;
}

/** The attention the heatmap shows: the reading one where asked for and the token has it (a model with a pointing head), else the token's own. */
export function shownAttention(token: { visual: Float32Array; reading?: Float32Array }, view: HeatmapView): Float32Array {
  return view === 'reading' && token.reading ? token.reading : token.visual;
}
