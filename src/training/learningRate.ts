/**
 * Learning-rate schedules. Cosine decay (Loshchilov & Hutter 2017, without restarts) takes the step size
 * from its base down to a floor over the run: the fusion decoder's validation loss stopped falling at a
 * constant 0.003 while it still fitted its training studies no better than unseen ones.
 */
import * as tf from '@tensorflow/tfjs';

/** The rate at step s (1-based) of n: base at the first step, base·floor at the last, a half cosine between. */
export function cosineRate(base: number, s: number, n: number, floor: number): number {
  const progress = n > 1 ? (s - 1) / (n - 1) : 1;
  return base * (floor + ((1 - floor) * (1 + Math.cos(Math.PI * progress))) / 2);
}

/**
 * Adam with an optional cosine schedule: `at(s)` before update s sets its step size (tfjs reads the rate at
 * every update but keeps it protected). Without a schedule the rate stays at its base.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  private readonly base: number;
  private readonly schedule: { steps: number; floor: number } | undefined;

  constructor(base: number, schedule?: { steps: number; floor: number }) {
    super(base, 0.9, 0.999);
    this.base = base;
    this.schedule = schedule;
  }

  at(s: number): void {
    if (this.schedule) this.learningRate = cosineRate(this.base, s, this.schedule.steps, this.schedule.floor);
  }
}

/** A stage's optimizer: Adam at its rate, decayed to rate·floor over its steps when a floor is given. */
export function stageOptimizer(o: { learningRate: number; steps: number; learningRateFloor?: number }): ScheduledAdam {
  return new ScheduledAdam(o.learningRate, o.learningRateFloor === undefined ? undefined : { steps: o.steps, floor: o.learningRateFloor });
}
