/**
 * The cross-modal retriever (paper A eq. 9–11): image and text features projected into one space by
 * two-layer heads, c = d2(GELU(d1(z'))) and i = h2(GELU(h1(y))), trained with InfoNCE plus a center loss
 * that pulls both towards their class centre (the sample's finding category). Vectors are unit length;
 * retrieval ranks passages by inner product.
 */
import * as tf from '@tensorflow/tfjs';
import { padBatch } from '../textBatch.ts';
import { dense, gelu, l2Normalize } from './ops.ts';
import { encodeText, type TextEncoderConfig } from './textEncoder.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface RetrieverConfig {
  /** The region features it reads: the first imageDim of each (`projectImage`). */
  imageDim: number;
  textDim: number;
  hidden: number;
  shared: number;
  /** Number of classes for the center loss. */
  classes: number;
  /** InfoNCE temperature τ. */
  temperature: number;
  /** Weight λ of the center loss. */
  centerWeight: number;
}

export function initRetriever(c: RetrieverConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  b.kernel('ret.d1.kernel', [c.imageDim, c.hidden]);
  b.zeros('ret.d1.bias', [c.hidden]);
  b.kernel('ret.d2.kernel', [c.hidden, c.shared]);
  b.zeros('ret.d2.bias', [c.shared]);
  b.kernel('ret.h1.kernel', [c.textDim, c.hidden]);
  b.zeros('ret.h1.bias', [c.hidden]);
  b.kernel('ret.h2.kernel', [c.hidden, c.shared]);
  b.zeros('ret.h2.bias', [c.shared]);
  b.kernel('ret.centers', [c.classes, c.shared]);
  return b.weights;
}

/**
 * c = d2(GELU(d1(z'))), unit length. z' is the pooled region features' first imageDim (d1's input width):
 * a retriever trained without the fixed filters' maxima, which come last (`featureWidth`), leaves them out.
 */
export function projectImage(w: Weights, pooledImage: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const imageDim = w['ret.d1.kernel']!.shape[0]!;
    const z = pooledImage.shape[1] === imageDim ? pooledImage : tf.slice(pooledImage, [0, 0], [-1, imageDim]);
    return l2Normalize(dense(w, 'ret.d2', gelu(dense(w, 'ret.d1', z)))) as tf.Tensor2D;
  });
}

/** i = h2(GELU(h1(y))), unit length. */
export function projectText(w: Weights, pooledText: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2Normalize(dense(w, 'ret.h2', gelu(dense(w, 'ret.h1', pooledText)))) as tf.Tensor2D);
}

/** The query a study searches with: its image vector plus its input text's vector, renormalised. */
export function queryVector(w: Weights, pooledImage: tf.Tensor2D, pooledText: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2Normalize(tf.add(projectImage(w, pooledImage), projectText(w, pooledText))) as tf.Tensor2D);
}

/** Unit vectors of texts (passages, summaries) in the shared space, encoded in batches. */
export function embedTexts(w: Weights, c: TextEncoderConfig, sequences: number[][], batch = 64): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  for (let i = 0; i < sequences.length; i += batch) {
    const { ids, mask } = padBatch(sequences.slice(i, i + batch), c.maxLength);
    parts.push(tf.tidy(() => projectText(w, encodeText(w, c, ids, mask).pooled)));
    tf.dispose([ids, mask]);
  }
  const all = tf.concat(parts);
  tf.dispose(parts);
  return all as tf.Tensor2D;
}

/**
 * InfoNCE over a batch of B matched pairs (eq. 11, first term): −(1/B) Σ_u log softmax_v(c_u·i_v / τ)[u].
 */
export function infoNce(image: tf.Tensor2D, text: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = tf.div(tf.matMul(image, tf.transpose(text)), temperature); // [B, B]
    const logProbs = tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(logProbs, tf.eye(image.shape[0])), 1))) as tf.Scalar;
  });
}

/** Center loss (eq. 11, second part): (1/B) Σ ||c_u − x'_k||² + (1/B) Σ ||i_u − x'_k||², k = class of u. */
export function centerLoss(image: tf.Tensor2D, text: tf.Tensor2D, centers: tf.Tensor2D, classes: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const own = tf.matMul(tf.oneHot(tf.cast(classes, 'int32'), centers.shape[0]), centers); // [B, P]
    const sq = (x: tf.Tensor2D) => tf.mean(tf.sum(tf.square(tf.sub(x, own)), 1));
    return tf.add(sq(image), sq(text)) as tf.Scalar;
  });
}

export function retrieverLoss(w: Weights, c: RetrieverConfig, image: tf.Tensor2D, text: tf.Tensor2D, classes: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.add(infoNce(image, text, c.temperature), tf.mul(c.centerWeight, centerLoss(image, text, w['ret.centers'] as tf.Tensor2D, classes))) as tf.Scalar);
}

/** Indices of the k passages with the largest inner product with the query, best first, and their scores. */
export function topK(index: tf.Tensor2D, query: tf.Tensor1D, k: number): { indices: number[]; scores: number[] } {
  const { values, indices } = tf.tidy(() => tf.topk(tf.squeeze(tf.matMul(index, tf.expandDims(query, 1)), [1]), Math.min(k, index.shape[0])));
  const result = { indices: Array.from(indices.dataSync()), scores: Array.from(values.dataSync()) };
  tf.dispose([values, indices]);
  return result;
}
