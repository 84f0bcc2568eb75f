/** Resuming a training stage: an interrupted and resumed run ends with the same weights as one that ran through; early stopping. */
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/corpus/random.ts';
import { WeightBuilder, type Weights } from '../../src/inference/models/weights.ts';
import { fitSequenceModel } from '../../src/training/fitSequenceModel.ts';
import type { StageOptions } from '../../src/training/stageOptions.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A toy regression: 24 examples of 3 features, y = x · (1, −2, 0.5) + noise.
const rand = new Random(5);
const xs = Array.from({ length: 24 }, () => [rand.uniform(-1, 1), rand.uniform(-1, 1), rand.uniform(-1, 1)]);
const ys = xs.map(([a, b, c]) => a! - 2 * b! + 0.5 * c! + rand.uniform(-0.1, 0.1));

function toy(): Weights {
  const b = new WeightBuilder(3);
  b.kernel('toy.kernel', [3, 1]);
  b.zeros('toy.bias', [1]);
  return b.weights;
}

function mse(w: Weights, indices: number[]): tf.Scalar {
  const x = tf.tensor2d(indices.map((i) => xs[i]!));
  const y = tf.tensor2d(indices.map((i) => [ys[i]!]));
  return tf.losses.meanSquaredError(y, tf.add(tf.matMul(x, w['toy.kernel']!), w['toy.bias']!)) as tf.Scalar;
}

async function fit(w: Weights, out: string, extra: Partial<StageOptions> & { crashAt?: number; validations?: number[] } = {}) {
  const steps: number[] = [];
  let calls = 0;
  let validations = 0;
  const o: StageOptions = { steps: 12, batch: 4, learningRate: 0.05, learningRateFloor: 0.1, evalEvery: 4, seed: 9, out, onStep: (s) => steps.push(s), log: () => {}, ...extra };
  await fitSequenceModel(w, o, {
    label: 'toy', checkpoint: 'toy.best', last: 'toy.last', curve: { file: 'curve.svg', title: 'toy' }, streamKey: 1, lengths: xs.map((_, i) => i % 5),
    loss: (indices) => {
      if (++calls === extra.crashAt) throw new Error('interrupted');
      return mse(w, indices);
    },
    validate: () => extra.validations?.[validations++] ?? tf.tidy(() => mse(w, xs.map((_, i) => i)).dataSync()[0]!),
  });
  return steps;
}

const values = (w: Weights) => Object.fromEntries(Object.entries(w).map(([k, v]) => [k, Array.from(v.dataSync())]));

describe('resuming a training stage', () => {
  it('continues from the last checkpoint with the optimizer state and batch order of a run that never stopped', async () => {
    const through = toy();
    await fit(through, mkdtempSync(join(tmpdir(), 'tuwen-fit-')));

    const out = mkdtempSync(join(tmpdir(), 'tuwen-fit-'));
    const interrupted = toy();
    await expect(fit(interrupted, out, { crashAt: 7 })).rejects.toThrow('interrupted'); // dies in step 7, after the step-4 checkpoint
    const resumed = toy(); // a new process: fresh weights and optimizer
    const steps = await fit(resumed, out, { resume: true });
    expect(steps[0]).toBe(5);
    expect(steps[steps.length - 1]).toBe(12);
    const [a, b] = [values(through), values(resumed)];
    for (const k of Object.keys(a)) a[k]!.forEach((v, i) => expect(b[k]![i]).toBeCloseTo(v, 5));
    // A fresh start in the same place (no --resume) trains from step 1 again.
    expect((await fit(toy(), out))[0]).toBe(1);
    // Without its optimizer state a run cannot be resumed faithfully, so it is refused.
    rmSync(join(out, 'toy.last.optimizer.json'));
    await expect(fit(toy(), out, { resume: true })).rejects.toThrow('cannot resume');
  });

  it('with a weight average, validates and ends with the average, and resumes it exactly', async () => {
    const plain = toy();
    await fit(plain, mkdtempSync(join(tmpdir(), 'tuwen-fit-')));
    const through = toy();
    const throughDir = mkdtempSync(join(tmpdir(), 'tuwen-fit-'));
    await fit(through, throughDir, { averageDecay: 0.8 });
    // The average lags the weights the optimizer moved, so the run ends elsewhere than the plain one.
    expect(values(through)['toy.kernel']![0]).not.toBeCloseTo(values(plain)['toy.kernel']![0]!, 3);
    const out = mkdtempSync(join(tmpdir(), 'tuwen-fit-'));
    await expect(fit(toy(), out, { averageDecay: 0.8, crashAt: 7 })).rejects.toThrow('interrupted');
    const resumed = toy();
    await fit(resumed, out, { averageDecay: 0.8, resume: true });
    const [a, b] = [values(through), values(resumed)];
    for (const k of Object.keys(a)) a[k]!.forEach((v, i) => expect(b[k]![i]).toBeCloseTo(v, 5));
    // The best checkpoint holds averaged weights: its validation is the average's loss, not the weights'.
    const best = JSON.parse(readFileSync(join(throughDir, 'toy.best.json'), 'utf8')).state as { step: number; val: number };
    expect(best.step).toBe(12);
    expect(readFileSync(join(throughDir, 'curve.svg'), 'utf8')).toContain('validation NLL, weight average');
    expect(best.val).toBeCloseTo(tf.tidy(() => mse(through, xs.map((_, i) => i)).dataSync()[0]!), 6);
    rmSync(join(out, 'toy.last.average.json'));
    await expect(fit(toy(), out, { averageDecay: 0.8, resume: true })).rejects.toThrow('cannot resume a run that averages');
  });

  it('stops early after `patience` validations without improvement, and a finished run resumes to nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tuwen-fit-'));
    const steps = await fit(toy(), out, { steps: 40, patience: 2, validations: [1, 0.5, 0.6, 0.7, 0.1] });
    expect(steps[steps.length - 1]).toBe(16); // best at 8, worse at 12 and 16: stop
    expect(await fit(toy(), out, { steps: 40, resume: true })).toEqual([]);
  });
});
