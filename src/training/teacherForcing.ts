/** Summaries (token ids without BOS/EOS) as teacher-forcing tensors: inputs BOS…, targets …EOS, and the mask. */
import * as tf from '@tensorflow/tfjs';
import { padBatch } from '../inference/textBatch.ts';
import { BOS_ID, EOS_ID } from '../text/tokenizer.ts';

/** `maxLength`: the most positions a row may have (longer summaries are cut before their EOS). */
export function teacherForcing(summaries: number[][], maxLength: number): { inputs: tf.Tensor2D; targets: tf.Tensor2D; mask: tf.Tensor2D } {
  return tf.tidy(() => {
    const padded = padBatch(summaries.map((s) => [BOS_ID, ...s.slice(0, maxLength - 1), EOS_ID]), maxLength + 1);
    const length = padded.ids.shape[1] - 1;
    return {
      inputs: tf.slice(padded.ids, [0, 0], [-1, length]) as tf.Tensor2D,
      targets: tf.slice(padded.ids, [0, 1], [-1, length]) as tf.Tensor2D,
      mask: tf.slice(padded.mask, [0, 1], [-1, length]) as tf.Tensor2D,
    };
  });
}
