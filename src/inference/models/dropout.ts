/** Training-time dropout with reproducible masks: each mask is seeded by the run's seed and a draw number. */
import * as tf from '@tensorflow/tfjs';

/** The mask of draw number `draw` (a step, or a count of calls) of a run seeded with `seed`; identity at rate 0. */
export function dropoutAt<T extends tf.Tensor>(x: T, rate: number, seed: number, draw: number): T {
  return rate > 0 ? (tf.dropout(x, rate, undefined, seed * 7919 + draw) as T) : x;
}

/** Dropout while training (a fresh seed per call keeps runs reproducible); identity otherwise. */
export type Dropout = (x: tf.Tensor) => tf.Tensor;
export const noDropout: Dropout = (x) => x;
export function seededDropout(rate: number, seed: number): Dropout {
  let calls = 0;
  return (x) => dropoutAt(x, rate, seed, calls++);
}
