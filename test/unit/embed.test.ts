/** embed (ops.ts): a gather whose gradient is a scatter-add, equal to the one-hot × matrix product it replaced. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { embed } from '../../src/inference/models/ops.ts';
import { installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';

/** The former definition: one-hot rows times the matrix. */
const oneHotProduct = (m: tf.Tensor2D, ids: tf.Tensor) => tf.reshape(tf.matMul(tf.oneHot(tf.reshape(tf.cast(ids, 'int32'), [-1]) as tf.Tensor1D, m.shape[0]), m), [...ids.shape, m.shape[1]]);

/** The rows and the matrix's gradient under a loss that weighs every output differently. */
function rowsAndGradient(f: typeof oneHotProduct, vocab: number, dim: number, shape: number[]): number[][] {
  return tf.tidy(() => {
    const m = tf.variable(tf.randomNormal([vocab, dim], 0, 1, 'float32', 1)) as tf.Variable<tf.Rank.R2>;
    const ids = tf.randomUniform(shape, 0, vocab, 'int32', 2); // many repeated ids
    const weight = tf.randomNormal([...shape, dim], 0, 1, 'float32', 3);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(m, ids), weight)) as tf.Scalar, [m]);
    const out = [Array.from(f(m, ids).dataSync()), Array.from(grads[m.name]!.dataSync())];
    m.dispose();
    return out;
  });
}

describe('embed', () => {
  it('looks rows up by id', async () => {
    await tf.setBackend('cpu');
    const m = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    expect(embed(m, tf.tensor2d([[2, 0], [1, 2]], undefined, 'int32')).arraySync()).toEqual([[[5, 6], [1, 2]], [[3, 4], [5, 6]]]);
  });

  it('adds the gradient of each row into its id: [1 1] on row 0 twice, [2 2] on row 2', async () => {
    await tf.setBackend('cpu');
    const m = tf.variable(tf.zeros([3, 2])) as tf.Variable<tf.Rank.R2>;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(embed(m, tf.tensor1d([0, 2, 0], 'int32')), tf.tensor2d([[1, 1], [2, 2], [1, 1]]))) as tf.Scalar, [m]);
    expect(grads[m.name]!.arraySync()).toEqual([[2, 2], [0, 0], [2, 2]]);
  });

  it('equals the one-hot product on wasm to the bit, values and gradients (the decoder context shape, a step, a large vocabulary)', async () => {
    await tf.setBackend('wasm');
    installFastMatMulGradient();
    for (const [vocab, dim, shape] of [[330, 64, [32, 230]], [330, 64, [32]], [2000, 128, [16, 40]]] as [number, number, number[]][]) {
      expect(rowsAndGradient(embed, vocab, dim, shape)).toEqual(rowsAndGradient(oneHotProduct, vocab, dim, shape));
    }
  });
});
