/** Small tfjs building blocks the models share: GELU, dense layers, masked means, one-hot embeddings. */
import * as tf from '@tensorflow/tfjs';
import { fastTanh } from '../tf/fastGradients.ts';
import type { Weights } from './weights.ts';

/** GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, fastTanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))) as T);
}

/** x·W + b for x of any rank ≥ 2 (the last axis is the features). */
export function dense(w: Weights, name: string, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const kernel = w[`${name}.kernel`] as tf.Tensor2D;
    const flat = tf.reshape(x, [-1, x.shape[x.rank - 1]!]) as tf.Tensor2D;
    const y = tf.add(tf.matMul(flat, kernel), w[`${name}.bias`]!);
    return tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]]);
  });
}

/** Rows of an embedding matrix for integer ids [..] (`gatherRows`). */
export function embed(matrix: tf.Tensor2D, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(ids, 'int32'), [-1]) as tf.Tensor1D;
    return tf.reshape(gatherRows(matrix, flat), [...ids.shape, matrix.shape[1]]);
  });
}

/**
 * matrix[ids] [N, D], whose gradient adds each row's gradient into the matrix with ScatterNd. tfjs's own
 * gradient of gather needs UnsortedSegmentSum, which wasm lacks; the one-hot × matrix product used before
 * made an [N, vocab] one-hot in every pass (7,360 × 330 for a decoder batch's context) and transposed it for
 * the gradient. ScatterNd adds an id's rows in their order, as that product's sums did: values and gradients
 * equal it to the bit on wasm (tested).
 */
function gatherRows(matrix: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const rows = tf.customGrad((m, save) => {
    (save as tf.GradSaveFunc)([ids]);
    return {
      value: tf.gather(m as tf.Tensor2D, ids),
      gradFunc: (dy, saved) => tf.scatterND(tf.expandDims((saved as tf.Tensor[])[0]!, 1), dy as tf.Tensor2D, matrix.shape),
    };
  });
  return rows(matrix) as tf.Tensor2D;
}

/** Mean over axis 1 of [B, T, D] counting only positions where mask [B, T] is 1. */
export function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = tf.expandDims(mask, 2); // [B, T, 1]
    return tf.div(tf.sum(tf.mul(x, m), 1), tf.maximum(tf.sum(m, 1), 1e-6)) as tf.Tensor2D;
  });
}

/** Unit vectors along the last axis. */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.div(x, tf.maximum(tf.norm(x, 'euclidean', -1, true), 1e-8)) as T);
}
