/**
 * A nodule-enhancement ("dot") filter, slice by slice: Li, Sone and Doi 2003, "Selective enhancement
 * filters for nodules, vessels, and airway walls in two- and three-dimensional CT scans". From the Hessian
 * of the Gaussian-smoothed slice at scale σ, with eigenvalues λ₁ ≤ λ₂: a bright blob has both negative,
 * a bright line (a vessel running in the slice) has λ₂ ≈ 0, so
 *
 *   dot_σ = σ² · λ₂² / |λ₁|   where λ₁, λ₂ < 0, else 0          (σ² normalises across scales)
 *
 * is large on nodules and small on vessels and edges. The response is the maximum over the scales, kept
 * only in and beside the lungs (heavily smoothed values below −300 HU), and mapped to [0, 1) as
 * z / (z + halfAt). The learned encoder's patch convolutions found small solid nodules and calcifications
 * for a fifth and a tenth of findings; this filter alone, with no training, peaks on them far more often
 * (docs/experiments.md, "A nodule filter as the encoder's third input channel").
 */
import type { Grid } from './preprocess.ts';

export interface DotFilterConfig {
  /** Scales σ, in pixels of the grid the filter runs on. */
  sigmas: number[];
  /** The response (HU) that maps to 0.5. */
  halfAt: number;
}

/**
 * Scales of about 2, 4 and 7 mm on a 128² grid of a 360 mm field (small nodules to small masses). A Gaussian
 * blob of contrast A answers at most A/4 (at σ equal to its own width): a solid nodule, ~900 HU over lung,
 * about 225 (→ 0.69), a ground-glass one, ~250 HU, about 60 (→ 0.38).
 */
export const DOT_FILTER: DotFilterConfig = { sigmas: [0.75, 1.5, 2.5], halfAt: 100 };

/** The smoothing that tells lung (and what lies in it) from the body wall and mediastinum: σ in pixels (≈ 8 mm on a 128² grid of a 360 mm field). */
const LUNG_SIGMA = 3;
const LUNG_BELOW_HU = -300;

/** 1 where a slice's pixel lies in or beside the lungs (the slice smoothed at `LUNG_SIGMA` is below `LUNG_BELOW_HU`), else 0: where the fixed filters answer. */
function nearLungs(slice: Float32Array, h: number, w: number): Float32Array {
  return indicator(gaussianBlur(slice, h, w, LUNG_SIGMA), (v) => v < LUNG_BELOW_HU);
}

/** 1 where `test` holds of a value, else 0. A loop: typed arrays' `from` and `map` with a function run several times slower in V8. */
export function indicator(values: Float32Array, test: (v: number) => boolean): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) if (test(values[i]!)) out[i] = 1;
  return out;
}

/** `nearLungs` for every slice of a volume on `grid`: worked out once where both fixed filters run. */
export function lungMask(values: Float32Array, grid: Grid): Uint8Array {
  const plane = grid.height * grid.width;
  const out = new Uint8Array(values.length);
  for (let z = 0; z < grid.depth; z++) out.set(nearLungs(values.subarray(z * plane, (z + 1) * plane), grid.height, grid.width), z * plane);
  return out;
}

function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

/**
 * Separable Gaussian smoothing of one h × w slice, edges clamped. Away from the edges no index needs
 * clamping, and skipping the test there halves the time; the sums run in the same order either way.
 */
export function gaussianBlur(slice: Float32Array, h: number, w: number, sigma: number): Float32Array {
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const rows = new Float32Array(slice.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= r && x < w - r) for (let i = -r; i <= r; i++) acc += k[i + r]! * slice[row + x + i]!;
      else for (let i = -r; i <= r; i++) acc += k[i + r]! * slice[row + Math.min(w - 1, Math.max(0, x + i))]!;
      rows[row + x] = acc;
    }
  }
  const out = new Float32Array(slice.length);
  for (let y = 0; y < h; y++) {
    const inside = y >= r && y < h - r;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (inside) for (let i = -r; i <= r; i++) acc += k[i + r]! * rows[(y + i) * w + x]!;
      else for (let i = -r; i <= r; i++) acc += k[i + r]! * rows[Math.min(h - 1, Math.max(0, y + i)) * w + x]!;
      out[y * w + x] = acc;
    }
  }
  return out;
}

/** dot_σ at each interior pixel of a smoothed slice (0 on its border). */
export function dotResponse(smoothed: Float32Array, h: number, w: number, sigma: number): Float32Array {
  const out = new Float32Array(smoothed.length);
  const g = smoothed;
  for (let y = 1; y < h - 1; y++)
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const dxx = g[i + 1]! - 2 * g[i]! + g[i - 1]!;
      const dyy = g[i + w]! - 2 * g[i]! + g[i - w]!;
      const dxy = (g[i + w + 1]! - g[i + w - 1]! - g[i - w + 1]! + g[i - w - 1]!) / 4;
      const half = (dxx + dyy) / 2;
      const root = Math.sqrt(Math.max(0, half * half - (dxx * dyy - dxy * dxy)));
      const l1 = half - root;
      const l2 = half + root;
      if (l2 < 0) out[i] = (sigma * sigma * l2 * l2) / -l1;
    }
  return out;
}

/** The filter over a volume on `grid` (modality values, depth × height × width): [0, 1) per voxel; `lungs` is the volume's `lungMask`. */
export function dotFilter(values: Float32Array, grid: Grid, c: DotFilterConfig, lungs = lungMask(values, grid)): Float32Array {
  const { depth, height: h, width: w } = grid;
  const out = new Float32Array(values.length);
  for (let z = 0; z < depth; z++) {
    const slice = values.subarray(z * h * w, (z + 1) * h * w);
    const best = new Float32Array(h * w);
    for (const sigma of c.sigmas) {
      const r = dotResponse(gaussianBlur(slice, h, w, sigma), h, w, sigma);
      for (let i = 0; i < r.length; i++) if (r[i]! > best[i]!) best[i] = r[i]!;
    }
    for (let i = 0; i < best.length; i++) out[z * h * w + i] = lungs[z * h * w + i] ? best[i]! / (best[i]! + c.halfAt) : 0;
  }
  return out;
}
