/** wasm's re-registered Slice, Unpack and SplitV (heapSlices.ts) give tfjs's own values, and copyBox against hand-computed boxes. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { copyBox, installHeapSlices } from '../../src/inference/tf/heapSlices.ts';

describe('copyBox', () => {
  it('copies a box row by row', () => {
    const out = new Float32Array(4);
    // [[0 1 2] [3 4 5]], rows 0–1, columns 1–2.
    copyBox(Float32Array.from([0, 1, 2, 3, 4, 5]), [2, 3], [0, 1], [2, 2], out);
    expect(Array.from(out)).toEqual([1, 2, 4, 5]);
    const mid = new Float32Array(4);
    // 2 × 3 × 2 (values 0…11), the middle row of each block: [2 3] and [8 9].
    copyBox(Float32Array.from({ length: 12 }, (_, i) => i), [2, 3, 2], [0, 1, 0], [2, 1, 2], mid);
    expect(Array.from(mid)).toEqual([2, 3, 8, 9]);
  });
});

describe('heap-view Slice, Unpack and SplitV on wasm', () => {
  it('equal tfjs’s own kernels: slices, unstacks and splits on every axis, int32 and bool, the gradients of a stack and a concat', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([3, 5, 4, 2], 0, 1, 'float32', 7);
        const out: number[][] = [];
        const keep = (t: tf.Tensor) => out.push(Array.from(t.dataSync()));
        keep(tf.slice(x, [1, 2, 0, 1], [2, -1, 3, 1]));
        keep(tf.slice(x, [2], [1]));
        keep(tf.slice(tf.range(0, 10, 1, 'int32'), [3], [4]));
        keep(tf.slice(tf.greater(x, 0), [0, 1, 1, 0], [3, 2, 2, 2]));
        for (let axis = 0; axis < 4; axis++) tf.unstack(x, axis).forEach(keep);
        tf.unstack(tf.cast(x, 'int32'), 1).forEach(keep);
        for (let axis = 0; axis < 4; axis++) tf.split(x, [1, x.shape[axis]! - 1], axis).forEach(keep);
        tf.split(x, 5, 1).forEach(keep);
        tf.split(tf.cast(x, 'int32'), [2, 1, 2], -3).forEach(keep);
        tf.split(tf.greater(x, 0), 2, 2).forEach(keep);
        const steps = Array.from({ length: 6 }, (_, i) => tf.randomNormal([4, 3], 0, 1, 'float32', i));
        const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(tf.stack(xs, 1), tf.reshape(tf.range(1, 73), [4, 6, 3]))))(steps);
        grads.forEach(keep);
        const parts = [tf.randomNormal([4, 2], 0, 1, 'float32', 8), tf.randomNormal([4, 5], 0, 1, 'float32', 9)];
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b], 1), tf.reshape(tf.range(1, 29), [4, 7]))))(parts).forEach(keep);
        return out;
      });
    await tf.setBackend('cpu');
    const expected = run();
    await tf.setBackend('wasm');
    installHeapSlices();
    expect(run()).toEqual(expected);
  });
});
