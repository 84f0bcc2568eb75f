/**
 * A pre-LayerNorm Transformer block (as in GPT-2), shared by every model that needs one:
 *
 *   x ← x + W_o · MHA(LN₁(x))                 multi-head self-attention, padding (and optionally the future) masked
 *   x ← x + W₂ · GELU(W₁ · LN₂(x))             position-wise MLP
 *
 *   MHA: per head, softmax(Q Kᵀ / √d_h + mask) V
 *
 * The attention pieces are also used on their own: the generator's cross-attention and its cached
 * keys and values for step-by-step decoding.
 *
 * Q·Kᵀ is an explicit transpose followed by a plain matMul: on wasm only the plain product is fast.
 */
import * as tf from '@tensorflow/tfjs';
import { dense, gelu } from './ops.ts';
import type { WeightBuilder, Weights } from './weights.ts';

export interface TransformerBlockConfig {
  width: number;
  heads: number;
  /** Hidden size of the MLP. */
  mlp: number;
}

export function initLayerNorm(b: WeightBuilder, name: string, width: number): void {
  b.ones(`${name}.gamma`, [width]);
  b.zeros(`${name}.beta`, [width]);
}

/** LayerNorm over the last axis: γ · (x − μ) / √(σ² + 1e-5) + β. */
export function layerNorm(w: Weights, name: string, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w[`${name}.gamma`]!), w[`${name}.beta`]!);
  });
}

/** Multi-head attention weights: queries from one sequence, keys and values from another (or the same). */
export function initAttention(b: WeightBuilder, name: string, width: number): void {
  b.kernel(`${name}.q.kernel`, [width, width]);
  b.zeros(`${name}.q.bias`, [width]);
  b.kernel(`${name}.kv.kernel`, [width, 2 * width]);
  b.zeros(`${name}.kv.bias`, [2 * width]);
  b.kernel(`${name}.proj.kernel`, [width, width]);
  b.zeros(`${name}.proj.bias`, [width]);
}

export function initMlp(b: WeightBuilder, name: string, c: TransformerBlockConfig): void {
  b.kernel(`${name}.fc1.kernel`, [c.width, c.mlp]);
  b.zeros(`${name}.fc1.bias`, [c.mlp]);
  b.kernel(`${name}.fc2.kernel`, [c.mlp, c.width]);
  b.zeros(`${name}.fc2.bias`, [c.width]);
}

export function initTransformerBlock(b: WeightBuilder, name: string, c: TransformerBlockConfig): void {
  initLayerNorm(b, `${name}.ln1`, c.width);
  initAttention(b, `${name}.attn`, c.width);
  initLayerNorm(b, `${name}.ln2`, c.width);
  initMlp(b, `${name}.mlp`, c);
}

/** [B, T, H·d] → [B, H, T, d]. */
function splitHeads(x: tf.Tensor3D, heads: number): tf.Tensor4D {
  const [b, t, d] = x.shape;
  return tf.transpose(tf.reshape(x, [b, t, heads, d / heads]), [0, 2, 1, 3]);
}

/**
 * Additive attention bias [B, 1, T, T] (0 where a query may look, −1e9 where not): keys that are padding
 * (mask [B, T] = 0) and, when `causal`, keys after the query. Without `causal` the query axis has size 1
 * ([B, 1, 1, T]), so the same bias serves any number of queries.
 */
export function attentionBias(mask: tf.Tensor2D, causal: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, t] = mask.shape;
    let allowed: tf.Tensor = tf.reshape(mask, [b, 1, 1, t]);
    if (causal) allowed = tf.mul(allowed, tf.reshape(tf.linalg.bandPart(tf.ones([t, t]), -1, 0), [1, 1, t, t]));
    return tf.mul(tf.sub(1, allowed), -1e9) as tf.Tensor4D;
  });
}

/** Keys and values [B, H, S, d] of a memory (computed once when the same memory is attended many times). */
export function keysValues(w: Weights, name: string, memory: tf.Tensor3D, heads: number): { k: tf.Tensor4D; v: tf.Tensor4D } {
  return tf.tidy(() => {
    const [k, v] = tf.split(dense(w, `${name}.kv`, memory), 2, 2) as [tf.Tensor3D, tf.Tensor3D];
    return { k: splitHeads(k, heads), v: splitHeads(v, heads) };
  });
}

/** softmax(Q Kᵀ/√d + bias) V per head for queries x [B, T, D]; returns the output [B, T, D] and the weights [B, H, T, S]. */
export function attendTo(w: Weights, name: string, x: tf.Tensor3D, kv: { k: tf.Tensor4D; v: tf.Tensor4D }, bias: tf.Tensor4D): { out: tf.Tensor3D; weights: tf.Tensor4D } {
  return tf.tidy(() => {
    const [b, t, d] = x.shape;
    const heads = kv.k.shape[1];
    const kT = tf.transpose(kv.k, [0, 1, 3, 2]); // [B, H, d_h, S]
    const scores = tf.add(tf.mul(tf.matMul(splitHeads(dense(w, `${name}.q`, x) as tf.Tensor3D, heads), kT), 1 / Math.sqrt(d / heads)), bias); // [B, H, T, S]
    const weights = tf.softmax(scores) as tf.Tensor4D;
    const mixed = tf.reshape(tf.transpose(tf.matMul(weights, kv.v), [0, 2, 1, 3]), [b, t, d]); // [B, T, D]
    return { out: dense(w, `${name}.proj`, mixed) as tf.Tensor3D, weights };
  });
}

/** Attention of x [B, T, D] over memory [B, S, D] (self-attention when memory is x). */
export function attention(w: Weights, name: string, x: tf.Tensor3D, memory: tf.Tensor3D, bias: tf.Tensor4D, heads: number): { out: tf.Tensor3D; weights: tf.Tensor4D } {
  return tf.tidy(() => attendTo(w, name, x, keysValues(w, name, memory, heads), bias));
}

/** The position-wise MLP: W₂ · GELU(W₁ · x). */
export function mlp(w: Weights, name: string, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => dense(w, `${name}.fc2`, gelu(dense(w, `${name}.fc1`, x))));
}

/** One block over x [B, T, D]; rows the mask marks as padding are kept at zero. */
export function transformerBlock(w: Weights, name: string, x: tf.Tensor3D, mask: tf.Tensor2D, bias: tf.Tensor4D, heads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const normed = layerNorm(w, `${name}.ln1`, x) as tf.Tensor3D;
    const attended = tf.add(x, attention(w, `${name}.attn`, normed, normed, bias, heads).out);
    const out = tf.add(attended, mlp(w, `${name}.mlp`, layerNorm(w, `${name}.ln2`, attended)));
    return tf.mul(out, tf.expandDims(mask, 2)) as tf.Tensor3D;
  });
}

/** Multiply–adds × 2 of one block over T tokens (attention included). */
export function transformerBlockFlops(c: TransformerBlockConfig, tokens: number): number {
  return 2 * tokens * (4 * c.width * c.width + 2 * c.width * c.mlp + 2 * tokens * c.width);
}
