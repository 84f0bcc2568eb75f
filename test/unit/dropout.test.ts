import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { dropoutAt } from '../../src/inference/models/dropout.ts';

describe('dropoutAt (training-time dropout, its mask seeded by the run and a draw number; the decoder draws region dropout by step)', () => {
  const regions = tf.ones([2, 16, 8]) as tf.Tensor3D;

  it('is the identity at rate 0', () => {
    expect(dropoutAt(regions, 0, 1, 5)).toBe(regions);
  });

  it('zeroes features and scales the rest by 1 / (1 − rate), the same mask for the same draw', () => {
    const a = Array.from(dropoutAt(regions, 0.25, 1, 5).dataSync());
    const again = Array.from(dropoutAt(regions, 0.25, 1, 5).dataSync());
    expect(again).toEqual(a);
    expect(new Set(a.map((v) => v.toFixed(5)))).toEqual(new Set(['0.00000', (1 / 0.75).toFixed(5)]));
    const dropped = a.filter((v) => v === 0).length / a.length;
    expect(dropped).toBeGreaterThan(0.1);
    expect(dropped).toBeLessThan(0.4);
  });

  it('draws another mask at another draw or seed', () => {
    const a = Array.from(dropoutAt(regions, 0.25, 1, 5).dataSync());
    expect(Array.from(dropoutAt(regions, 0.25, 1, 6).dataSync())).not.toEqual(a);
    expect(Array.from(dropoutAt(regions, 0.25, 2, 5).dataSync())).not.toEqual(a);
  });
});
