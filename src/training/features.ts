/** Frozen image features, computed once per study and cached (stage 2 and 3 train on these, not on volumes). */
import * as tf from '@tensorflow/tfjs';
import { featureWidth, regionFeatures, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import type { Weights } from '../inference/models/weights.ts';
import { filterBatch, imageBatch, type ImageExample } from './imageExamples.ts';

export interface ImageFeatures {
  /** regions × width, row-major. */
  regions: Float32Array;
  regionCount: number;
  width: number;
}

export function cacheImageFeatures(w: Weights, c: ImageEncoderConfig, examples: ImageExample[], batch = 8, onProgress?: (done: number) => void): ImageFeatures[] {
  const out: ImageFeatures[] = [];
  for (let i = 0; i < examples.length; i += batch) {
    const part = examples.slice(i, i + batch);
    const values = tf.tidy(() => regionFeatures(w, c, imageBatch(part), filterBatch(part)).dataSync() as Float32Array);
    const per = values.length / part.length;
    const width = featureWidth(c);
    part.forEach((_, k) => out.push({ regions: values.slice(k * per, (k + 1) * per), regionCount: per / width, width }));
    onProgress?.(Math.min(examples.length, i + batch));
  }
  return out;
}
