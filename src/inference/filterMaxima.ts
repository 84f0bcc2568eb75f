/**
 * What the fixed filters say of each region of the image encoder's grid: the largest response, over the
 * region's voxels, of the nodule filter (`dotFilter.ts`) and of the ground-glass filter
 * (`groundGlassFilter.ts`). A maximum is the same detector wherever in the region a small lesion falls; the
 * learned encoder's strided convolutions sum the region's cells, and localise solid nodules and
 * calcifications about half as often as these maxima do given the side (docs/experiments.md, "Fixed filters'
 * maxima as decoder input").
 *
 * Both filters work slice by slice, so they run on the study's own slices, resampled in-plane only. On the
 * encoder's grid (32 slices from 20–28) the area-average blends neighbouring slices, and wherever lung
 * meets soft tissue from one slice to the next the blend reads as ground glass: the ground-glass filter's
 * region maximum then peaks on 9 of 29 ground-glass nodules given the side, on the native slices 22.
 */
import { DOT_FILTER, dotFilter, lungMask } from './dotFilter.ts';
import { GROUND_GLASS_FILTER, groundGlassFilter } from './groundGlassFilter.ts';
import { resample, type Grid } from './preprocess.ts';

/** The filters, in the order their maxima are read: nodule, ground glass. */
export const FILTER_COUNT = 2;

/**
 * The regions of depth `regions` that slice `slice` of `slices` overlaps: a slice spans [slice, slice + 1) /
 * slices of the volume's depth, region k spans [k, k + 1) / regions. A slice on a region boundary counts in
 * both; a one-slice image in all.
 */
export function sliceRegions(slice: number, slices: number, regions: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor((slice * regions) / slices); k < regions && k * slices < (slice + 1) * regions; k++) out.push(k);
  return out;
}

/**
 * Modality values on the study's grid `volume` → each region's filter maxima, regions × `FILTER_COUNT`
 * (regions in slice-row-column order). The filters run on the study's slices at the encoder's in-plane size
 * (`to`'s height and width); `r`'s rows and columns divide `to`'s.
 */
export function regionFilterMaxima(modality: Float32Array, volume: Grid, to: Grid, r: Grid): Float32Array {
  return regionMaxima(filterMaps(modality, volume, to), r);
}

/** Both filters' responses on the study's slices at `to`'s in-plane size (`grid`), in `filterMaxima.ts`'s order. */
export interface FilterMaps {
  grid: Grid;
  maps: [Float32Array, Float32Array];
}

/** The fixed filters run on the study's slices, resampled in-plane to `to`'s height and width. */
export function filterMaps(modality: Float32Array, volume: Grid, to: Grid): FilterMaps {
  const grid = { depth: volume.depth, height: to.height, width: to.width };
  const slices = resample(modality, volume, grid);
  const lungs = lungMask(slices, grid);
  return { grid, maps: [dotFilter(slices, grid, DOT_FILTER, lungs), groundGlassFilter(slices, grid, GROUND_GLASS_FILTER, lungs)] };
}

/** The in-plane cell of region grid `r` (row-major) that pixel (y, x) of `grid` lies in. */
export function regionCell(y: number, x: number, grid: Grid, r: Grid): number {
  return Math.floor((y * r.height) / grid.height) * r.width + Math.floor((x * r.width) / grid.width);
}

/** Each region's largest response of each filter, regions × FILTER_COUNT. */
export function regionMaxima({ grid, maps }: FilterMaps, r: Grid): Float32Array {
  const out = new Float32Array(r.depth * r.height * r.width * FILTER_COUNT);
  for (let d = 0; d < grid.depth; d++) {
    const depths = sliceRegions(d, grid.depth, r.depth);
    for (let y = 0; y < grid.height; y++)
      for (let x = 0; x < grid.width; x++) {
        const v = (d * grid.height + y) * grid.width + x;
        const cell = regionCell(y, x, grid, r);
        for (const k of depths) {
          const region = k * r.height * r.width + cell;
          maps.forEach((m, f) => (out[region * FILTER_COUNT + f] = Math.max(out[region * FILTER_COUNT + f]!, m[v]!)));
        }
      }
  }
  return out;
}
