/** A stand-in decoder for decoding tests: its next-token distribution depends only on the previous token. */
import * as tf from '@tensorflow/tfjs';
import type { Stepper } from '../../src/inference/decode.ts';

/**
 * `next[prev][id]` is P(id | prev) over a vocabulary of `vocab` tokens; a previous token not listed gives zeros.
 * Every step attends the same way: `attended.visual` over regions (one region by default), `attended.sentences`
 * over input sentences (none by default).
 */
export function scriptedModel(vocab: number, next: Record<number, Record<number, number>>, attended: { visual?: number[]; sentences?: number[] } = {}): Stepper<{ h: tf.Tensor }> {
  return {
    initial: () => ({ h: tf.zeros([1, 1]) }),
    step(prev, state) {
      const row = new Float32Array(vocab);
      for (const [id, p] of Object.entries(next[prev.dataSync()[0]!] ?? {})) row[Number(id)] = p;
      return {
        probs: tf.tensor2d(row, [1, vocab]),
        state: { h: tf.clone(state.h) },
        visualAttention: tf.tensor2d([attended.visual ?? [1]]),
        textAttention: tf.ones([1, 1]),
        ...(attended.sentences ? { sentenceAttention: tf.tensor2d([attended.sentences]) } : {}),
      };
    },
  };
}
