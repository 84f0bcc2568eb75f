/** The re-registered BatchMatMul gradient equals tfjs's own, for every transpose combination and batch. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fastTanh, installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';

describe('fast matMul gradient', () => {
  it('gives the same gradients as the original', async () => {
    await tf.setBackend('cpu');
    const cases: [number[], number[], boolean, boolean][] = [
      [[3, 4], [4, 5], false, false],
      [[3, 4], [5, 4], false, true],
      [[4, 3], [4, 5], true, false],
      [[4, 3], [5, 4], true, true],
      [[2, 3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [2, 5, 4], true, true],
      // Attention's products: scores key·query (its key gradient is an outer product) and context weights·values.
      [[2, 5, 4], [2, 4, 1], false, false],
      [[2, 1, 5], [2, 5, 4], false, false],
      [[2, 5, 1], [2, 1, 4], false, false],
    ];
    const gradsOf = ([sa, sb, ta, tb]: (typeof cases)[number]) =>
      tf.tidy(() => {
        const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
        const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
        const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a, b]);
        return [Array.from(ga!.dataSync()), Array.from(gb!.dataSync())];
      });
    const before = cases.map(gradsOf);
    installFastMatMulGradient();
    const after = cases.map(gradsOf);
    after.forEach((g, i) => g.forEach((values, k) => values.forEach((v, j) => expect(v).toBeCloseTo(before[i]![k]![j]!, 4))));
  });
  it('fastTanh equals tanh', () => {
    const x = tf.linspace(-6, 6, 101);
    const diff = tf.max(tf.abs(tf.sub(fastTanh(x), tf.tanh(x)))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });
});
