/**
 * LFMGAN's discriminator (paper A §2): a RoBERTa-style bidirectional Transformer encoder over a summary's
 * tokens that outputs the probability that the summary is real (written by a radiologist) rather than
 * generated. The study enters as the first position — the pooled image vector projected to the model
 * width, standing where RoBERTa's <s> token stands — so the judgement is of the summary *for this study*.
 *
 *   h⁰ = [W_i · mean(regions) ; E[x_1..x_L]] + P                 [B, 1 + L, D]
 *   h  = Blocks(h⁰)  (no causal mask; padding masked)
 *   D  = σ(w · LN(h)[:, 0] + b)                                   [B]
 */
import * as tf from '@tensorflow/tfjs';
import { dense, embed } from './ops.ts';
import { attentionBias, initLayerNorm, initTransformerBlock, layerNorm, transformerBlock } from './transformer.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface DiscriminatorConfig {
  vocab: number;
  width: number;
  layers: number;
  heads: number;
  mlp: number;
  /** Longest summary in tokens (the position table holds one more, for the image). */
  maxSummary: number;
  regionDim: number;
}

export function initDiscriminator(c: DiscriminatorConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  b.kernel('disc.embed', [c.vocab, c.width]);
  b.kernel('disc.position', [c.maxSummary + 1, c.width]);
  b.kernel('disc.image.kernel', [c.regionDim, c.width]);
  b.zeros('disc.image.bias', [c.width]);
  for (let i = 0; i < c.layers; i++) initTransformerBlock(b, `disc.block${i}`, { width: c.width, heads: c.heads, mlp: c.mlp });
  initLayerNorm(b, 'disc.ln_f', c.width);
  b.kernel('disc.head.kernel', [c.width, 1]);
  b.zeros('disc.head.bias', [1]);
  return b.weights;
}

/** Logit of "real" [B] for summaries ids/mask [B, L] (no BOS/EOS needed) of studies with pooled regions [B, regionDim]. */
export function discriminatorLogits(w: Weights, c: DiscriminatorConfig, pooled: tf.Tensor2D, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, l] = ids.shape;
    if (l > c.maxSummary) throw new Error(`summary of ${l} tokens is longer than the discriminator's ${c.maxSummary}`);
    const image = tf.expandDims(dense(w, 'disc.image', pooled), 1); // [B, 1, D]
    const tokens = embed(w['disc.embed'] as tf.Tensor2D, ids); // [B, L, D]
    let h = tf.add(tf.concat([image, tokens], 1), tf.slice(w['disc.position']!, [0, 0], [l + 1, -1])) as tf.Tensor3D; // [B, 1 + L, D]
    const full = tf.concat([tf.ones([b, 1]), mask], 1) as tf.Tensor2D;
    const bias = attentionBias(full, false);
    for (let i = 0; i < c.layers; i++) h = transformerBlock(w, `disc.block${i}`, h, full, bias, c.heads);
    const first = tf.squeeze(tf.slice(layerNorm(w, 'disc.ln_f', h), [0, 0, 0], [-1, 1, -1]), [1]); // [B, D]
    return tf.squeeze(dense(w, 'disc.head', first), [1]) as tf.Tensor1D;
  });
}

/** Probability that each summary is real [B]. */
export function discriminate(w: Weights, c: DiscriminatorConfig, pooled: tf.Tensor2D, ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sigmoid(discriminatorLogits(w, c, pooled, ids, mask)) as tf.Tensor1D);
}
