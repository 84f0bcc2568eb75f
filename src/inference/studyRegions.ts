/** A study's image regions, as both models read them: resample and window the volume, encode it once. */
import * as tf from '@tensorflow/tfjs';
import { regionFilterMaxima } from './filterMaxima.ts';
import { encoderInputOptions, featureWidth, regionFeatures, regionGrid, toPatchOrder, type ImageEncoderConfig } from './models/imageEncoder.ts';
import type { Weights } from './models/weights.ts';
import { encoderChannels, resample, type Grid } from './preprocess.ts';

/** Modality values on their grid → region features [1, R, C] (R = the encoder's region grid, flattened). */
export function studyRegions(w: Weights, c: ImageEncoderConfig, input: { modality: Float32Array; grid: Grid }): tf.Tensor3D {
  const x = toPatchOrder(encoderChannels(resample(input.modality, input.grid, c.grid), c.grid, encoderInputOptions(c)), c);
  const filters = c.filterFeatures ? regionFilterMaxima(input.modality, input.grid, c.grid, regionGrid(c)) : undefined;
  return tf.tidy(() => {
    const features = regionFeatures(w, c, tf.tensor2d(x, [1, x.length]), filters && tf.tensor2d(filters, [1, filters.length])); // [1, D', H', W', C]
    return tf.reshape(features, [1, -1, featureWidth(c)]) as tf.Tensor3D;
  });
}
