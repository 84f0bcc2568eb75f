/** wasm's re-registered Transpose (blockTranspose.ts) gives tfjs's own values; transposeLastTwo against a hand-computed case. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { installBlockTranspose, transposeLastTwo } from '../../src/inference/tf/blockTranspose.ts';

describe('transposeLastTwo', () => {
  it('transposes each matrix of a batch', () => {
    const out = new Float32Array(12);
    // Two 2 × 3 matrices: [[0 1 2] [3 4 5]] and [[6 7 8] [9 10 11]].
    transposeLastTwo(Float32Array.from({ length: 12 }, (_, i) => i), 2, 2, 3, out);
    expect(Array.from(out)).toEqual([0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
  });
});

describe('tiled Transpose on wasm', () => {
  it('equals tfjs’s own kernel: matrices across tile edges, batches, int32 and bool, small ones and other permutations (tfjs’s kernel), a gradient', async () => {
    const run = () =>
      tf.tidy(() => {
        const out: number[][] = [];
        const keep = (t: tf.Tensor) => out.push(t.shape as number[], Array.from(t.dataSync()));
        for (const shape of [[1, 1], [3, 5], [300, 300], [257, 270], [2, 190, 210], [2, 3, 100, 150]]) {
          const x = tf.randomNormal(shape, 0, 1, 'float32', shape.length);
          const r = shape.length;
          keep(tf.transpose(x, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]));
        }
        keep(tf.transpose(tf.range(0, 3 * 200 * 150, 1, 'int32').reshape([3, 200, 150]), [0, 2, 1]));
        keep(tf.transpose(tf.greater(tf.randomNormal([180, 400], 0, 1, 'float32', 9), 0)));
        keep(tf.transpose(tf.randomNormal([2, 3, 4], 0, 1, 'float32', 10), [2, 0, 1]));
        const a = tf.randomNormal([300, 230], 0, 1, 'float32', 11);
        const b = tf.randomNormal([300, 240], 0, 1, 'float32', 12);
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.matMul(p, q, true, false)))([a, b]).forEach(keep);
        return out;
      });
    await tf.setBackend('wasm');
    const expected = run();
    installBlockTranspose();
    expect(run()).toEqual(expected);
  });
});
