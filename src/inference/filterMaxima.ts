/**
 * What the fixed filters say of each region of the image encoder's grid: the largest response, over the
 * region's voxels, of the nodule filter (`dotFilter.ts`) and of the ground-glass filter
 * (`groundGlassFilter.ts`), run on the volume resampled to the encoder's grid. A maximum is the same
 * detector wherever in the region a small lesion falls; the learned encoder's strided convolutions sum the
 * region's cells, and localise solid nodules and calcifications about half as often as these maxima do
 * given the side (docs/models.md, "Fixed filters' maxima as decoder input").
 */
import { DOT_FILTER, dotFilter } from './dotFilter.ts';
import { GROUND_GLASS_FILTER, groundGlassFilter } from './groundGlassFilter.ts';
import type { Grid } from './preprocess.ts';

/** The filters, in the order their maxima are read: nodule, ground glass. */
export const FILTER_COUNT = 2;

/**
 * Modality values resampled to the encoder's grid `to` (`resample`, as the encoder's input reads them) →
 * each region's filter maxima, regions × `FILTER_COUNT` (regions in slice-row-column order; `r` divides `to`).
 */
export function regionFilterMaxima(small: Float32Array, to: Grid, r: Grid): Float32Array {
  const maps = [dotFilter(small, to, DOT_FILTER), groundGlassFilter(small, to, GROUND_GLASS_FILTER)];
  const out = new Float32Array(r.depth * r.height * r.width * FILTER_COUNT);
  for (let d = 0; d < to.depth; d++)
    for (let y = 0; y < to.height; y++)
      for (let x = 0; x < to.width; x++) {
        const region = (Math.floor((d * r.depth) / to.depth) * r.height + Math.floor((y * r.height) / to.height)) * r.width + Math.floor((x * r.width) / to.width);
        const v = (d * to.height + y) * to.width + x;
        maps.forEach((m, f) => (out[region * FILTER_COUNT + f] = Math.max(out[region * FILTER_COUNT + f]!, m[v]!)));
      }
  return out;
}
