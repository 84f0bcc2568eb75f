/**
 * Training the discriminator (LFMGAN's, and paper B's for the retrieval decoder): binary cross-entropy,
 * real summaries labelled 1, the model's samples 0, each with its study's pooled image vector.
 */
import * as tf from '@tensorflow/tfjs';
import { discriminate, discriminatorLogits, type DiscriminatorConfig } from '../inference/models/discriminator.ts';
import { padBatch } from '../inference/textBatch.ts';
import type { Weights } from '../inference/models/weights.ts';

/** The discriminator both adversarial stages train: 2 blocks of width 96, for this vocabulary, summary length and region size. */
export function discriminatorFor(vocab: number, maxSummary: number, regionDim: number): DiscriminatorConfig {
  return { vocab, width: 96, layers: 2, heads: 4, mlp: 192, maxSummary, regionDim };
}

/** Summary ids (no BOS/EOS) → padded ids and mask, at least one position wide (an empty sample is all padding). */
function summaryBatch(c: DiscriminatorConfig, summaries: number[][]) {
  return padBatch(summaries.map((s) => s.slice(0, c.maxSummary)), c.maxSummary);
}

/** P(real) per summary. */
export function realProbability(w: Weights, c: DiscriminatorConfig, pooled: tf.Tensor2D, summaries: number[][]): Float32Array {
  return tf.tidy(() => {
    const { ids, mask } = summaryBatch(c, summaries);
    return discriminate(w, c, pooled, ids, mask).dataSync() as Float32Array;
  });
}

/**
 * One Adam step on real (label 1) and generated (label 0) summaries; `pooledReal` and `pooledFake` are
 * their studies' pooled image vectors. Returns the loss and the accuracy (P > 0.5 ⇔ real) before the step.
 */
export function discriminatorStep(optimizer: tf.Optimizer, w: Weights, c: DiscriminatorConfig, pooledReal: tf.Tensor2D, real: number[][], pooledFake: tf.Tensor2D, fake: number[][]): { loss: number; accuracy: number } {
  const { ids, mask } = summaryBatch(c, [...real, ...fake]);
  const pooled = tf.concat([pooledReal, pooledFake], 0);
  const labels = tf.tensor1d([...real.map(() => 1), ...fake.map(() => 0)]);
  let accuracy = 0;
  const loss = optimizer.minimize(
    () => {
      const logits = discriminatorLogits(w, c, pooled as tf.Tensor2D, ids, mask);
      accuracy = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.greater(logits, 0), tf.greater(labels, 0.5)), 'float32')).dataSync()[0]!);
      return tf.losses.sigmoidCrossEntropy(labels, logits) as tf.Scalar;
    },
    true,
    Object.values(w),
  )!;
  const value = loss.dataSync()[0]!;
  tf.dispose([loss, ids, mask, pooled, labels]);
  return { loss: value, accuracy };
}
