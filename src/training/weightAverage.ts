/**
 * Polyak averaging (Polyak & Juditsky 1992; as an exponential moving average, the "EMA" of many training
 * codebases): besides the weights the optimizer moves, a running average of them over the steps, which
 * smooths out the last steps' noise. The sum starts at zero and is divided by 1 − decayᵗ, as Adam's moments
 * are, so after t updates the average is Σₛ (1 − d)·d^(t−s)·wₛ / (1 − dᵗ): no share of the initial weights.
 */
import * as tf from '@tensorflow/tfjs';
import type { Weights } from '../inference/models/weights.ts';

export class WeightAverage {
  /** The decayed sums, (1 − d)·Σₛ d^(t−s)·wₛ, by weight name. */
  readonly sums: Weights;

  /** `saved`: the sums of a checkpoint after `updates` updates; without them the sums start at zero. */
  constructor(
    weights: Weights,
    readonly decay: number,
    public updates = 0,
    saved?: Weights,
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`weight average: the decay must lie between 0 and 1, not ${decay}`);
    this.sums = Object.fromEntries(
      Object.entries(weights).map(([name, w]) => {
        const from = saved?.[name];
        if (saved && !from) throw new Error(`weight average: the saved sums have no ${name}`);
        return [name, tf.tidy(() => tf.variable(from ?? tf.zerosLike(w), false))];
      }),
    );
  }

  /** One step: every sum decays by d and takes (1 − d) of the weight's current value. */
  update(weights: Weights): void {
    tf.tidy(() => {
      for (const [name, sum] of Object.entries(this.sums)) sum.assign(sum.mul(this.decay).add(weights[name]!.mul(1 - this.decay)));
    });
    this.updates++;
  }

  /** Runs `f` with the average in `weights`' place, then puts their own values back. */
  async withAverage<T>(weights: Weights, f: () => T | Promise<T>): Promise<T> {
    const own = Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, w.clone()]));
    this.assignTo(weights);
    try {
      return await f();
    } finally {
      for (const [name, value] of Object.entries(own)) weights[name]!.assign(value);
      tf.dispose(Object.values(own));
    }
  }

  /** Puts the average into `weights`. */
  assignTo(weights: Weights): void {
    if (this.updates === 0) throw new Error('weight average: no update yet');
    const correction = 1 - this.decay ** this.updates;
    tf.tidy(() => {
      for (const [name, sum] of Object.entries(this.sums)) weights[name]!.assign(sum.div(correction));
    });
  }

  dispose(): void {
    tf.dispose(Object.values(this.sums));
  }
}
