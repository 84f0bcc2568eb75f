/** A study's image regions, as both models read them: resample and window the volume, encode it once. */
import * as tf from '@tensorflow/tfjs';
import { filterMaps, regionMaxima, type FilterMaps } from './filterMaxima.ts';
import { encoderInputOptions, featureWidth, regionFeatures, regionGrid, toPatchOrder, type ImageEncoderConfig } from './models/imageEncoder.ts';
import type { Weights } from './models/weights.ts';
import { encoderChannels, resample, type Grid } from './preprocess.ts';

/**
 * Modality values on their grid → region features [1, R, C] (R = the encoder's region grid, flattened). With
 * `filterFeatures`, the fixed filters' responses `maps` (`filterMaps` at the encoder's in-plane size) where the
 * caller has them already, else worked out here.
 */
export function studyRegions(w: Weights, c: ImageEncoderConfig, input: { modality: Float32Array; grid: Grid }, maps?: FilterMaps): tf.Tensor3D {
  const x = toPatchOrder(encoderChannels(resample(input.modality, input.grid, c.grid), c.grid, encoderInputOptions(c)), c);
  const filters = c.filterFeatures ? regionMaxima(maps ?? filterMaps(input.modality, input.grid, c.grid), regionGrid(c)) : undefined;
  return tf.tidy(() => {
    const features = regionFeatures(w, c, tf.tensor2d(x, [1, x.length]), filters && tf.tensor2d(filters, [1, filters.length])); // [1, D', H', W', C]
    return tf.reshape(features, [1, -1, featureWidth(c)]) as tf.Tensor3D;
  });
}
