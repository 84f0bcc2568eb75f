/** The cosine schedule by hand, and Adam taking exactly the scheduled step sizes. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { cosineRate, ScheduledAdam, stageOptimizer } from '../../src/training/learningRate.ts';

describe('learning-rate schedule', () => {
  it('decays from the base to base·floor along a half cosine', () => {
    expect(cosineRate(0.01, 1, 11, 0.1)).toBeCloseTo(0.01, 12);
    expect(cosineRate(0.01, 6, 11, 0.1)).toBeCloseTo(0.0055, 12); // halfway: floor + (1 − floor)/2
    expect(cosineRate(0.01, 11, 11, 0.1)).toBeCloseTo(0.001, 12);
    expect(cosineRate(0.01, 3.5, 11, 0.1)).toBeCloseTo(0.01 * (0.1 + 0.9 * (1 + Math.cos(Math.PI / 4)) / 2), 12);
    expect(cosineRate(0.01, 1, 1, 0.1)).toBeCloseTo(0.001, 12);
  });

  it('Adam moves a variable of constant gradient by the scheduled rate at each update, or by the base without a schedule', async () => {
    await tf.setBackend('cpu');
    const moves = (optimizer: ScheduledAdam, steps: number) => {
      const x = tf.variable(tf.scalar(0));
      const out: number[] = [];
      for (let s = 1; s <= steps; s++) {
        optimizer.at(s);
        const before = x.dataSync()[0]!;
        optimizer.minimize(() => tf.mul(x, 1) as tf.Scalar); // gradient 1: Adam's bias-corrected step is the rate
        out.push(before - x.dataSync()[0]!);
      }
      x.dispose();
      return out;
    };
    const scheduled = moves(stageOptimizer({ learningRate: 0.01, steps: 5, learningRateFloor: 0.2 }), 5);
    scheduled.forEach((m, i) => expect(m).toBeCloseTo(cosineRate(0.01, i + 1, 5, 0.2), 6));
    moves(stageOptimizer({ learningRate: 0.01, steps: 5 }), 3).forEach((m) => expect(m).toBeCloseTo(0.01, 6));
  });
});
