/** The re-registered BatchMatMul gradient equals tfjs's own, for every transpose combination and batch. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fastTanh, installFastMatMulGradient, matMulTransposed, maxOverMiddleAxis, swapLast } from '../../src/inference/tf/fastGradients.ts';

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
  it('matMulTransposed: the value and both gradients of the fast gradient, bit for bit, with copies made outside', () => {
    installFastMatMulGradient();
    // Attention's two products (key·query with the keys' copy, weights·values with the values'), and a plain one without copies.
    const cases: { a: number[]; b: number[]; copyA: boolean; copyB: boolean }[] = [
      { a: [2, 5, 4], b: [2, 4, 1], copyA: true, copyB: false },
      { a: [2, 1, 5], b: [2, 5, 4], copyA: false, copyB: true },
      { a: [3, 4], b: [4, 5], copyA: true, copyB: true },
      { a: [3, 4], b: [4, 5], copyA: false, copyB: false },
    ];
    for (const { a: sa, b: sb, copyA, copyB } of cases) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 3);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 4);
      // Made before the gradient's scope, as prepareContext makes them once per summary.
      const copies = { ...(copyA ? { aT: swapLast(a) } : {}), ...(copyB ? { bT: swapLast(b) } : {}) };
      // A loss that weighs each output differently, so that a gradient mixed up between outputs shows.
      const loss = (product: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => (x: tf.Tensor, y: tf.Tensor) => {
        const p = product(x, y);
        return tf.sum(tf.mul(p, tf.reshape(tf.range(1, 1 + p.size), p.shape)));
      };
      const plain = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]).map((g) => Array.from(g.dataSync()));
      const cached = tf.grads(loss((x, y) => matMulTransposed(x, y, copies)))([a, b]).map((g) => Array.from(g.dataSync()));
      expect(cached).toEqual(plain);
      expect(Array.from(matMulTransposed(a, b, copies).dataSync())).toEqual(Array.from(tf.matMul(a, b).dataSync()));
      tf.dispose([a, b, ...Object.values(copies)]);
    }
  });

  it('fastTanh equals tanh', () => {
    const x = tf.linspace(-6, 6, 101);
    const diff = tf.max(tf.abs(tf.sub(fastTanh(x), tf.tanh(x)))).dataSync()[0]!;
    expect(diff).toBeLessThan(1e-6);
  });

  it('maxOverMiddleAxis: the value and the gradient of tf.max over axis 1, ties included', () => {
    // Values on a coarse grid so that some maxima tie; negative and near-zero ones too.
    const x = tf.tensor3d(Float32Array.from({ length: 3 * 5 * 4 }, (_, i) => Math.round(4 * Math.sin(i * 1.7)) / 4 - 0.5), [3, 5, 4]);
    const dy = tf.tensor2d(Float32Array.from({ length: 12 }, (_, i) => i + 1), [3, 4]);
    const ours = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(maxOverMiddleAxis(v as tf.Tensor3D), dy)))(x);
    const reference = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.max(v, 1), dy)))(x);
    expect(Array.from(maxOverMiddleAxis(x).dataSync())).toEqual(Array.from(tf.max(x, 1).dataSync()));
    expect(Array.from(ours.dataSync())).toEqual(Array.from(reference.dataSync()));
    expect(tf.sum(tf.cast(tf.greater(ours, 0), 'int32')).dataSync()[0]).toBeGreaterThan(12); // some ties
    tf.dispose([x, dy, ours, reference]);
  });
});
