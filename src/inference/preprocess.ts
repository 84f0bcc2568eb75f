/**
 * Volume → the image encoder's input: modality values (HU for CT) resampled to a fixed grid and mapped
 * through windows to [0, 1], one channel per window. Pure functions over Float32Arrays, shared by
 * training (Node) and inference (worker).
 */
import { dotFilter, type DotFilterConfig } from './dotFilter.ts';

export interface Grid {
  depth: number;
  height: number;
  width: number;
}

/** Lung window (air to soft tissue) and mediastinal window (fluid, fat and soft tissue apart). */
export const INPUT_WINDOWS = [
  { center: -600, width: 1500 },
  { center: 40, width: 400 },
] as const;

/**
 * Area-average resampling along each axis (box filter): every output voxel is the mean of the input
 * voxels it covers, fractional overlaps weighted. Downsampling keeps small lesions' mass instead of
 * skipping them; upsampling (a one-slice image to several slices) repeats values.
 */
export function resample(values: Float32Array, from: Grid, to: Grid): Float32Array {
  const alongAxis = (input: Float32Array, shape: number[], axis: number, size: number): Float32Array => {
    const n = shape[axis]!;
    if (n === size) return input; // every weight would be 1: the same values
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const out = new Float32Array(outer * size * stride);
    // The input voxels each output voxel covers and their weights, worked out once for every row: output o
    // reads voxels index[k], k from start[o] to start[o + 1].
    const scale = n / size;
    const start = [0];
    const index: number[] = [];
    const weight: number[] = [];
    for (let o = 0; o < size; o++) {
      const lo = o * scale;
      const hi = (o + 1) * scale;
      for (let i = Math.floor(lo); i < Math.min(n, Math.ceil(hi)); i++) {
        const w = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
        if (w > 0) index.push(i), weight.push(w);
      }
      start.push(index.length);
    }
    for (let a = 0; a < outer; a++)
      for (let o = 0; o < size; o++) {
        const dst = (a * size + o) * stride;
        for (let k = start[o]!; k < start[o + 1]!; k++) {
          const src = (a * n + index[k]!) * stride;
          const w = weight[k]!;
          for (let s = 0; s < stride; s++) out[dst + s]! += w * input[src + s]!;
        }
      }
    return out;
  };
  let shape = [from.depth, from.height, from.width];
  let v = values;
  ([to.depth, to.height, to.width] as const).forEach((size, axis) => {
    v = alongAxis(v, shape, axis, size);
    shape = [...shape];
    shape[axis] = size;
  });
  return v === values ? values.slice() : v; // a new array, as when any axis changes
}

/**
 * The standard thresholds of quantitative CT, as two more channels that light up past them: calcium, 0 at
 * 130 HU (Agatston's threshold) to 1 from 330 HU; low attenuation, 0.5 at −950 HU (the emphysema index
 * LAA−950) and 1 from −970 HU. A negative width inverts a window. The windows above map a value linearly,
 * so the first convolution, linear over its cell, can only weigh a cell's values: one calcified voxel in
 * lung sums to less than a cell of chest wall, and −975 HU emphysema to about what lung with fewer vessels
 * does. Past a threshold each counts on its own.
 */
export const THRESHOLD_WINDOWS = [
  { center: 230, width: 200 },
  { center: -950, width: -40 },
] as const;

/** Values through a window to [0, 1] (clamped), as a radiologist's display would. */
export function applyWindow(values: Float32Array, window: { center: number; width: number }): Float32Array {
  const lo = window.center - window.width / 2;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.min(1, Math.max(0, (values[i]! - lo) / window.width));
  return out;
}

/** What the encoder reads beside the windows: the threshold channels (`THRESHOLD_WINDOWS`), the nodule filter's response. */
export interface InputOptions {
  thresholds?: boolean;
  dot?: DotFilterConfig;
}

/**
 * The encoder input from modality values resampled to the encoder's grid (`resample`): channels-last
 * [depth, height, width, windows (then the thresholds, then the nodule filter, where asked)], flattened.
 */
export function encoderChannels(small: Float32Array, grid: Grid, o: InputOptions = {}): Float32Array {
  const windows = [...INPUT_WINDOWS, ...(o.thresholds ? THRESHOLD_WINDOWS : [])];
  const channels = [...windows.map((w) => applyWindow(small, w)), ...(o.dot ? [dotFilter(small, grid, o.dot)] : [])];
  const out = new Float32Array(small.length * channels.length);
  for (let i = 0; i < small.length; i++) for (let c = 0; c < channels.length; c++) out[i * channels.length + c] = channels[c]![i]!;
  return out;
}
