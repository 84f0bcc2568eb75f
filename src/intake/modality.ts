/** Modality values (paper A eq. 8): z_v = z_o · RescaleSlope + RescaleIntercept, and their statistics. */
import type { ModalityStats, StoredPixels } from './types.ts';

/** Writes slope · stored + intercept for each frame into one Float32Array, frame after frame. */
export function toModality(frames: StoredPixels[], slope: number, intercept: number): Float32Array {
  const perFrame = frames[0]?.length ?? 0;
  const out = new Float32Array(perFrame * frames.length);
  frames.forEach((frame, f) => {
    const base = f * perFrame;
    for (let i = 0; i < frame.length; i++) out[base + i] = frame[i]! * slope + intercept;
  });
  return out;
}

/** Min, max and mean; the mean is accumulated in float64 so large volumes do not drift. */
export function modalityStats(values: Float32Array): ModalityStats {
  if (values.length === 0) return { min: 0, max: 0, mean: 0 };
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}

/** Grey values for the models: colour (interleaved RGB) becomes the mean of its three samples. */
export function greyValues(values: Float32Array, samplesPerPixel: number): Float32Array {
  if (samplesPerPixel === 1) return values;
  return Float32Array.from({ length: values.length / samplesPerPixel }, (_, i) => (values[i * 3]! + values[i * 3 + 1]! + values[i * 3 + 2]!) / 3);
}
