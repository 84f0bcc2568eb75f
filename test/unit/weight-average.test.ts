/** Polyak averaging of the weights (`weightAverage.ts`), against hand-computed values. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Weights } from '../../src/inference/models/weights.ts';
import { WeightAverage } from '../../src/training/weightAverage.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const value = (w: Weights, name: string) => Array.from(w[name]!.dataSync());

describe('WeightAverage', () => {
  it('is the bias-corrected moving average of the values it was given', async () => {
    const w: Weights = { a: tf.variable(tf.tensor1d([2, -1])) };
    const average = new WeightAverage(w, 0.5);
    average.update(w); // sums: 0.5 · (2, −1) = (1, −0.5); average (1, −0.5) / (1 − 0.5) = (2, −1)
    expect(await average.withAverage(w, () => value(w, 'a'))).toEqual([2, -1]);
    w.a!.assign(tf.tensor1d([4, 3]));
    average.update(w); // sums: 0.5 · (1, −0.5) + 0.5 · (4, 3) = (2.5, 1.25); average ÷ 0.75 = (10/3, 5/3)
    const seen = await average.withAverage(w, () => value(w, 'a'));
    expect(seen[0]).toBeCloseTo(10 / 3, 6);
    expect(seen[1]).toBeCloseTo(5 / 3, 6);
    expect(value(w, 'a')).toEqual([4, 3]); // the weights' own values are back
    average.assignTo(w);
    expect(value(w, 'a')[0]).toBeCloseTo(10 / 3, 6);
    average.dispose();
    w.a!.dispose();
  });

  it('continues from saved sums, leaks no tensors and refuses a decay outside (0, 1)', () => {
    const w: Weights = { a: tf.variable(tf.scalar(6)) };
    const before = tf.memory().numTensors;
    const saved = { a: tf.tidy(() => tf.variable(tf.scalar(1))) };
    const average = new WeightAverage(w, 0.5, 1, saved); // as after one update of 2
    average.update(w); // 0.5 · 1 + 0.5 · 6 = 3.5; ÷ 0.75
    average.assignTo(w);
    expect(w.a!.dataSync()[0]).toBeCloseTo(3.5 / 0.75, 6);
    average.dispose();
    saved.a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new WeightAverage(w, 1)).toThrow('between 0 and 1');
    expect(() => new WeightAverage(w, 0.5, 1, {})).toThrow('no a');
    w.a!.dispose();
  });
});
