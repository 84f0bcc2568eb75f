/**
 * Lesion candidates and their patches: the first half of a two-stage detector, as lung-nodule CAD systems are
 * built (candidate generation, then false-positive reduction; Setio et al. 2017, the LUNA16 challenge). The
 * candidates are the strongest local maxima, slice by slice, of the two fixed filters (`dotFilter.ts`,
 * `groundGlassFilter.ts`) on the encoder's in-plane grid: they miss almost no nodule, but most are vessels.
 * Each candidate's patch is read at twice that resolution (256² for the encoder's 128², a corpus study's own
 * pixels), three slices deep, so a classifier (`models/lesionClassifier.ts`) sees a nodule of a pixel or two
 * on the encoder's grid at its own size, and sees whether it goes on through the next slice as a vessel does.
 */
import type { Grid } from '../preprocess.ts';

/** The strongest local maxima kept per slice. On the corpus they include 99 % of solid and ground-glass nodules. */
export const CANDIDATES_PER_SLICE = 40;
/** A patch's side, in pixels of the patch grid (twice the filters'): 24 ≈ 34 mm of a 360 mm field. */
export const PATCH_SIDE = 24;
/** Slices a patch spans: the candidate's and one on each side. */
export const PATCH_SLICES = 3;
/** Each candidate's features: its patch, then the two filters' responses at the candidate. */
export const CANDIDATE_FEATURES = PATCH_SLICES * PATCH_SIDE * PATCH_SIDE + 2;
/** Responses at or below this are never candidates (flat lung, body wall). */
const MIN_RESPONSE = 0.02;

export interface Candidate {
  /** Slice, row and column on the filters' grid. */
  z: number;
  y: number;
  x: number;
}

/**
 * The `CANDIDATES_PER_SLICE` strongest pixels of each slice that are at least as strong as their eight
 * neighbours, by max(nodule filter, ground-glass filter) on `grid`; strongest first within a slice.
 */
export function lesionCandidates(dot: Float32Array, groundGlass: Float32Array, grid: Grid): Candidate[] {
  const { depth, height: h, width: w } = grid;
  const out: Candidate[] = [];
  const response = (v: number) => Math.max(dot[v]!, groundGlass[v]!);
  for (let z = 0; z < depth; z++) {
    const found: { y: number; x: number; s: number }[] = [];
    for (let y = 1; y < h - 1; y++)
      for (let x = 1; x < w - 1; x++) {
        const v = (z * h + y) * w + x;
        const s = response(v);
        if (s <= MIN_RESPONSE) continue;
        let peak = true;
        for (let dy = -1; dy <= 1 && peak; dy++) for (let dx = -1; dx <= 1; dx++) if ((dy || dx) && response(v + dy * w + dx) > s) peak = false;
        if (peak) found.push({ y, x, s });
      }
    found.sort((a, b) => b.s - a.s);
    for (const c of found.slice(0, CANDIDATES_PER_SLICE)) out.push({ z, y: c.y, x: c.x });
  }
  return out;
}

/** HU → a patch value: −1000 (air) → 0, +1000 → 1, clipped. */
const patchValue = (hu: number) => Math.min(1, Math.max(0, (hu + 1000) / 2000));

/**
 * Each candidate's features (`CANDIDATE_FEATURES` per row): its patch from `fine` (modality values on the
 * filters' grid at twice the in-plane size, slices clamped at the ends, air beyond the edges), centred on the
 * candidate's 2 × 2 block, then the two filters' responses there.
 */
export function candidateFeatures(candidates: readonly Candidate[], fine: Float32Array, grid: Grid, dot: Float32Array, groundGlass: Float32Array): Float32Array {
  const h = 2 * grid.height;
  const w = 2 * grid.width;
  const half = PATCH_SIDE / 2;
  const out = new Float32Array(candidates.length * CANDIDATE_FEATURES);
  candidates.forEach(({ z, y, x }, row) => {
    let k = row * CANDIDATE_FEATURES;
    for (let dz = -1; dz <= 1; dz++) {
      const plane = Math.min(grid.depth - 1, Math.max(0, z + dz)) * h * w;
      for (let yy = 2 * y - half + 1; yy <= 2 * y + half; yy++)
        for (let xx = 2 * x - half + 1; xx <= 2 * x + half; xx++) out[k++] = patchValue(yy < 0 || yy >= h || xx < 0 || xx >= w ? -1000 : fine[plane + yy * w + xx]!);
    }
    const v = (z * grid.height + y) * grid.width + x;
    out[k++] = dot[v]!;
    out[k] = groundGlass[v]!;
  });
  return out;
}
