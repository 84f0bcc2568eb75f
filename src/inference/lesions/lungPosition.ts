/**
 * Where a point lies within its lung, measured on the study's own slices. The lobes are parted by fissures
 * that run through each lung at its own proportions (the oblique fissure from high at the back to low in
 * front; on the right, the horizontal fissure), so a lobe is better read from a position relative to the
 * lung's own extent than from the image's grid, where lungs of different sizes and places blur the lobes
 * together (docs/experiments.md, "Lobes read from the lung's own extent").
 */
import { resample, type Grid } from '../preprocess.ts';

/** Below this a pixel is air or lung, not tissue (HU). */
const AIR_BELOW_HU = -400;
/** A slice belongs to a lung's extent when it holds at least this share of that lung's largest slice. */
const SLICE_SHARE = 0.02;
/** The lung's rows: between these quantiles of its pixels' rows, so that a few stray pixels do not stretch it. */
const ROW_QUANTILE = 0.01;

/** The sides in the order of `lungExtents`: the patient's right is the image's left half, as the viewer shows it. */
export const LUNG_SIDES = ['右', '左'] as const;
export type LungSide = (typeof LUNG_SIDES)[number];

/** A lung's extent on a grid: its first and last slice and its front and back rows, as edges (a pixel's centre ± 0.5). */
export interface LungExtent {
  z0: number;
  z1: number;
  y0: number;
  y1: number;
}

/** The side (index into `LUNG_SIDES`) a column of a grid `width` wide lies on. */
export function sideOfColumn(x: number, width: number): 0 | 1 {
  return x < width / 2 ? 0 : 1;
}

/**
 * 1 where a slice's pixel is air-like (below `AIR_BELOW_HU`) and not joined to the slice's border through
 * air-like pixels (4-neighbours): the lungs, not the air around the body.
 */
export function lungPixels(slice: ArrayLike<number>, h: number, w: number): Uint8Array {
  const air = (i: number) => slice[i]! < AIR_BELOW_HU;
  const outside = new Uint8Array(h * w);
  const stack: number[] = [];
  const visit = (i: number) => {
    if (!outside[i] && air(i)) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (let x = 0; x < w; x++) [visit(x), visit((h - 1) * w + x)];
  for (let y = 0; y < h; y++) [visit(y * w), visit(y * w + w - 1)];
  while (stack.length) {
    const i = stack.pop()!;
    const [y, x] = [Math.floor(i / w), i % w];
    if (y > 0) visit(i - w);
    if (y < h - 1) visit(i + w);
    if (x > 0) visit(i - 1);
    if (x < w - 1) visit(i + 1);
  }
  const out = new Uint8Array(h * w);
  for (let i = 0; i < h * w; i++) if (air(i) && !outside[i]) out[i] = 1;
  return out;
}

/** The extent of the lung pixels counted per slice and per row; undefined where there are none. */
export function extentOf(perSlice: readonly number[], perRow: readonly number[]): LungExtent | undefined {
  const largest = Math.max(...perSlice);
  if (largest <= 0) return undefined;
  const slices = perSlice.flatMap((n, z) => (n >= SLICE_SHARE * largest ? [z] : []));
  const total = perRow.reduce((a, b) => a + b, 0);
  let seen = 0;
  let [y0, y1] = [-1, -1];
  perRow.forEach((n, y) => {
    seen += n;
    if (y0 < 0 && seen > ROW_QUANTILE * total) y0 = y;
    if (y1 < 0 && seen >= (1 - ROW_QUANTILE) * total) y1 = y;
  });
  return { z0: slices[0]! - 0.5, z1: slices[slices.length - 1]! + 0.5, y0: y0 - 0.5, y1: y1 + 0.5 };
}

/** `lungPixels` of every slice of modality values `hu` laid out on `grid`: worked out once where both the extents and the low-attenuation voxels read them. */
export function lungMasks(hu: Float32Array, grid: Grid): Uint8Array {
  const plane = grid.height * grid.width;
  const out = new Uint8Array(hu.length);
  for (let z = 0; z < grid.depth; z++) out.set(lungPixels(hu.subarray(z * plane, (z + 1) * plane), grid.height, grid.width), z * plane);
  return out;
}

/** Each side's lung extent (`LUNG_SIDES` order) from the lung masks of a volume on `grid` (`lungMasks`). */
export function lungExtents(masks: Uint8Array, grid: Grid): (LungExtent | undefined)[] {
  const { depth, height: h, width: w } = grid;
  const perSlice = LUNG_SIDES.map(() => new Array<number>(depth).fill(0));
  const perRow = LUNG_SIDES.map(() => new Array<number>(h).fill(0));
  for (let v = 0; v < masks.length; v++) {
    if (!masks[v]) continue;
    const side = sideOfColumn(v % w, w);
    perSlice[side]![Math.floor(v / (h * w))]!++;
    perRow[side]![Math.floor(v / w) % h]!++;
  }
  return LUNG_SIDES.map((_, s) => extentOf(perSlice[s]!, perRow[s]!));
}

/** Each side's lung extent on a study's slices, read on `grid` in-plane (the fixed filters' grid, where the detector's candidates lie). */
export function studyLungExtents(modality: Float32Array, volume: Grid, grid: Grid): (LungExtent | undefined)[] {
  return lungExtents(lungMasks(resample(modality, volume, grid), grid), grid);
}

/** A point's place within a lung's extent: [0, 1] from its lowest slice to its highest, and from front to back (outside it, beyond). */
export function positionInLung({ z0, z1, y0, y1 }: LungExtent, z: number, y: number): [number, number] {
  return [(z - z0) / (z1 - z0), (y - y0) / (y1 - y0)];
}

/** At or below this a lung voxel is a low-attenuation area (HU; LAA-950, Gevenois et al. 1996). */
export const LAA_HU = -950;
/**
 * Below this mean HU, the pixels around a patch of low-attenuation pixels are lung, not a wall: emphysema
 * borders lung, while a cavity's air is walled by tissue. On 550 studies of seeds 3333 and 14141, the 56
 * patches on sides without emphysema (cavities) had rims of −543 to −172 HU, and 98.5 % of the low-attenuation
 * voxels on emphysema sides lay in patches with rims below −600 (scratch/laa-presence.mts).
 */
export const RIM_HU = -600;

/**
 * 1 at the lung voxels (`masks`, `lungMasks`) at or below `LAA_HU` whose patch (the in-plane 4-connected
 * such voxels) is not walled: the mean HU of the pixels bordering the patch is below `RIM_HU`.
 */
export function unwalledLowAttenuation(hu: Float32Array, masks: Uint8Array, grid: Grid): Uint8Array {
  const { height: h, width: w } = grid;
  const low = (v: number) => masks[v] === 1 && hu[v]! <= LAA_HU;
  const out = new Uint8Array(hu.length);
  const seen = new Uint8Array(hu.length);
  for (let start = 0; start < hu.length; start++) {
    if (seen[start] || !low(start)) continue;
    const patch: number[] = [];
    const stack = [start];
    seen[start] = 1;
    let rim = 0;
    let rimPixels = 0;
    while (stack.length) {
      const v = stack.pop()!;
      patch.push(v);
      const [y, x] = [Math.floor(v / w) % h, v % w];
      for (const u of [x > 0 ? v - 1 : -1, x < w - 1 ? v + 1 : -1, y > 0 ? v - w : -1, y < h - 1 ? v + w : -1]) {
        if (u < 0) continue;
        if (!low(u)) {
          rim += hu[u]!;
          rimPixels++;
        } else if (!seen[u]) {
          seen[u] = 1;
          stack.push(u);
        }
      }
    }
    if (rimPixels > 0 && rim / rimPixels < RIM_HU) for (const v of patch) out[v] = 1;
  }
  return out;
}

/** Per side (`LUNG_SIDES` order), the places within its lung (`positionInLung`) of its unwalled low-attenuation voxels (`unwalledLowAttenuation`). */
export function lowAttenuationPlaces(hu: Float32Array, masks: Uint8Array, grid: Grid, lungs: readonly (LungExtent | undefined)[]): [number, number][][] {
  const { height: h, width: w } = grid;
  const low = unwalledLowAttenuation(hu, masks, grid);
  const out: [number, number][][] = LUNG_SIDES.map(() => []);
  for (let v = 0; v < hu.length; v++) {
    if (!low[v]) continue;
    const side = sideOfColumn(v % w, w);
    const extent = lungs[side];
    if (extent) out[side]!.push(positionInLung(extent, Math.floor(v / (h * w)), Math.floor(v / w) % h));
  }
  return out;
}
