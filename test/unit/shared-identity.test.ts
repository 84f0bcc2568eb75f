/** wasm's re-registered Identity (sharedIdentity.ts): clones share memory, gradients are tfjs's own to the bit, nothing leaks. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { installSharedIdentity } from '../../src/inference/tf/sharedIdentity.ts';

/** A small recurrence whose ops save many tensors for the gradient (each saved tensor is a clone). */
function gradients(): number[][] {
  return tf.tidy(() => {
    const w = tf.variable(tf.randomNormal([6, 6], 0, 0.5, 'float32', 1));
    const x = tf.randomNormal([3, 6], 0, 1, 'float32', 2);
    const { value, grads } = tf.variableGrads(() => {
      let h = x;
      for (let t = 0; t < 5; t++) h = tf.sigmoid(tf.add(tf.matMul(h, w), tf.mul(h, 0.5)));
      return tf.sum(tf.mul(h, tf.range(1, 19).reshape([3, 6]))) as tf.Scalar;
    }, [w]);
    const out = [Array.from(value.dataSync()), Array.from(grads[w.name]!.dataSync())];
    w.dispose();
    return out;
  });
}

describe('shared-memory Identity on wasm', () => {
  it('gives the gradients of the copying kernel to the bit, and clones outlive their original', async () => {
    await tf.setBackend('wasm');
    const expected = gradients();
    installSharedIdentity();
    expect(gradients()).toEqual(expected);
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('frees what it shares: memory back to its baseline after training steps', async () => {
    await tf.setBackend('wasm');
    installSharedIdentity();
    gradients();
    const before = tf.memory();
    for (let i = 0; i < 3; i++) gradients();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
