/** Frozen image features, computed once per study and cached (stage 2 and 3 train on these, not on volumes). */
import * as tf from '@tensorflow/tfjs';
import { concatTyped } from '../inference/arrays.ts';
import { encodeImage, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import type { Weights } from '../inference/models/weights.ts';
import type { ImageExample } from './imageExamples.ts';

export interface ImageFeatures {
  /** regions × width, row-major. */
  regions: Float32Array;
  regionCount: number;
  width: number;
}

export function cacheImageFeatures(w: Weights, c: ImageEncoderConfig, examples: ImageExample[], batch = 8, onProgress?: (done: number) => void): ImageFeatures[] {
  const out: ImageFeatures[] = [];
  const { depth, height, width } = c.grid;
  for (let i = 0; i < examples.length; i += batch) {
    const part = examples.slice(i, i + batch);
    const values = tf.tidy(() => {
      const flat = concatTyped(part.map((e) => e.image), (n) => new Uint8Array(n));
      const x = tf.div(tf.tensor(flat, [part.length, depth, height, width, c.channels], 'float32'), 255) as tf.Tensor5D;
      return encodeImage(w, x).dataSync() as Float32Array;
    });
    const per = values.length / part.length;
    const regionWidth = c.widths[2];
    part.forEach((_, k) => out.push({ regions: values.slice(k * per, (k + 1) * per), regionCount: per / regionWidth, width: regionWidth }));
    onProgress?.(Math.min(examples.length, i + batch));
  }
  return out;
}
