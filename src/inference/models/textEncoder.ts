/**
 * The text encoder for passages and for the input text: tokens → contextual token features and a pooled
 * vector. Token and position embeddings, then residual convolution blocks over the sequence (each token
 * sees its neighbours, the receptive field growing by two per block), then a masked mean.
 *
 *   e_t = E[x_t] + P[t]                                  [B, T, D]
 *   h ← h + GELU(W · [h_{t−1}; h_t; h_{t+1}] + b)        per block
 *   pooled = masked mean of h over the sequence          [B, D]
 *
 * Convolutions are shifted views + one matMul (conv1d's gradient needs Conv2DBackpropFilter, missing on wasm).
 */
import * as tf from '@tensorflow/tfjs';
import { dense, embed, gelu, maskedMean } from './ops.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface TextEncoderConfig {
  vocab: number;
  width: number;
  maxLength: number;
  blocks: number;
}

export function initTextEncoder(c: TextEncoderConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  b.kernel('txt.embed', [c.vocab, c.width]);
  b.kernel('txt.position', [c.maxLength, c.width]);
  initResidualConvolutions(b, 'txt.block', c.width, c.blocks);
  return b.weights;
}

/** [h_{t−d}; h_t; h_{t+d}] with zeros beyond the ends: [B, T, D] → [B, T, 3D] (d: the dilation). */
function neighbours(h: tf.Tensor3D, d: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t, width] = h.shape;
    const shift = Math.min(d, t);
    const zero = tf.zeros([b, shift, width]);
    const before = tf.concat([zero, tf.slice(h, [0, 0, 0], [b, t - shift, width])], 1);
    const after = tf.concat([tf.slice(h, [0, shift, 0], [b, t - shift, width]), zero], 1);
    return tf.concat([before, h, after], 2) as tf.Tensor3D;
  });
}

/** Weights of `count` residual convolution blocks named `${prefix}0`, `${prefix}1`, … */
export function initResidualConvolutions(b: WeightBuilder, prefix: string, width: number, count: number): void {
  for (let i = 0; i < count; i++) {
    b.kernel(`${prefix}${i}.kernel`, [3 * width, width]);
    b.zeros(`${prefix}${i}.bias`, [width]);
  }
}

/**
 * One residual convolution block per dilation d: h ← (h + GELU(W · [h_{t−d}; h_t; h_{t+d}] + b)) · mask.
 * Padding (mask [B, T, 1] = 0) stays zero, so it never leaks into its neighbours' features.
 */
export function residualConvolutions(w: Weights, prefix: string, h: tf.Tensor3D, m: tf.Tensor, dilations: number[]): tf.Tensor3D {
  return tf.tidy(() => {
    let x = h;
    dilations.forEach((d, i) => {
      x = tf.mul(tf.add(x, gelu(dense(w, `${prefix}${i}`, neighbours(x, d)))), m) as tf.Tensor3D;
    });
    return x;
  });
}

/** ids [B, T] (padding masked by mask [B, T]) → token features [B, T, D] and pooled [B, D]. */
export function encodeText(w: Weights, c: TextEncoderConfig, ids: tf.Tensor2D, mask: tf.Tensor2D): { tokens: tf.Tensor3D; pooled: tf.Tensor2D } {
  return tf.tidy(() => {
    const [, t] = ids.shape;
    if (t > c.maxLength) throw new Error(`text of ${t} tokens is longer than the encoder's ${c.maxLength}`);
    const m = tf.expandDims(mask, 2); // [B, T, 1]
    const positions = tf.slice(w['txt.position']!, [0, 0], [t, c.width]); // [T, D]
    const embedded = tf.mul(tf.add(embed(w['txt.embed'] as tf.Tensor2D, ids), positions), m) as tf.Tensor3D; // [B, T, D]
    const h = residualConvolutions(w, 'txt.block', embedded, m, Array<number>(c.blocks).fill(1));
    return { tokens: h, pooled: maskedMean(h, mask) };
  });
}
