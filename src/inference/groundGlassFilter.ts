/**
 * A ground-glass filter, slice by slice: the share of a pixel's neighbourhood whose density lies in the
 * ground-glass band (between aerated lung and soft tissue), less `denseWeight` times the share that is soft
 * tissue, both smoothed at σ; kept where positive, in and beside the lungs (`lungMask`). A ground-glass
 * nodule (about −580 HU in −850 HU lung) fills its neighbourhood with the band. A vessel's partial-volume
 * rim lies in the band too, but beside its soft-tissue core, which the second term takes away. The nodule
 * filter (`dotFilter.ts`) answers to contrast, so the vessels' 900 HU outshine a ground-glass nodule's
 * 270: its peak lies on none of 14 ground-glass nodules where this one's lies on 11 (docs/experiments.md,
 * "Fixed filters' maxima as decoder input").
 */
import { gaussianBlur, indicator, lungMask } from './dotFilter.ts';
import type { Grid } from './preprocess.ts';

export interface GroundGlassFilterConfig {
  /** The ground-glass band, HU (exclusive). */
  band: [number, number];
  /** Soft tissue: above this, HU. */
  dense: number;
  denseWeight: number;
  /** Smoothing, in pixels of the grid the filter runs on. */
  sigma: number;
}

/** About 4 mm of smoothing on a 128² grid of a 360 mm field. */
export const GROUND_GLASS_FILTER: GroundGlassFilterConfig = { band: [-750, -400], dense: -300, denseWeight: 2, sigma: 1.5 };

/** The filter over a volume on `grid` (modality values, depth × height × width): [0, 1] per voxel; `lungs` is the volume's `lungMask`. */
export function groundGlassFilter(values: Float32Array, grid: Grid, c: GroundGlassFilterConfig, lungs = lungMask(values, grid)): Float32Array {
  const { depth, height: h, width: w } = grid;
  const out = new Float32Array(values.length);
  for (let z = 0; z < depth; z++) {
    const slice = values.subarray(z * h * w, (z + 1) * h * w);
    const band = gaussianBlur(indicator(slice, (v) => v > c.band[0] && v < c.band[1]), h, w, c.sigma);
    const dense = gaussianBlur(indicator(slice, (v) => v > c.dense), h, w, c.sigma);
    for (let i = 0; i < band.length; i++) out[z * h * w + i] = lungs[z * h * w + i] ? Math.max(0, band[i]! - c.denseWeight * dense[i]!) : 0;
  }
  return out;
}
