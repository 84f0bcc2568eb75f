/** Token id sequences → padded id and mask tensors (0 = [PAD]). */
import * as tf from '@tensorflow/tfjs';
import { PAD_ID } from '../text/tokenizer.ts';

export function padBatch(sequences: number[][], maxLength: number): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const length = Math.max(1, Math.min(maxLength, Math.max(...sequences.map((s) => s.length))));
  const ids = new Int32Array(sequences.length * length).fill(PAD_ID);
  const mask = new Float32Array(sequences.length * length);
  sequences.forEach((s, b) => {
    s.slice(0, length).forEach((id, t) => {
      ids[b * length + t] = id;
      mask[b * length + t] = 1;
    });
  });
  return { ids: tf.tensor2d(ids, [sequences.length, length], 'int32'), mask: tf.tensor2d(mask, [sequences.length, length]) };
}
