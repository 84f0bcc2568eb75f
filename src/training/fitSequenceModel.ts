/**
 * The training loop the two summary writers share (the fusion decoder and LFMGAN's generator): batches of
 * similar summary length, Adam, a running training loss, validation every `evalEvery` steps with the best
 * weights kept as a checkpoint, and the curve as SVG. The step size is constant or decays (`learningRateFloor`).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import type { Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { stageOptimizer } from './learningRate.ts';
import type { StageOptions } from './stageOptions.ts';

/**
 * Batches of similar summary length (the time loop runs to the longest in a batch): shuffled, sorted by
 * length within windows of 16 batches, cut, and the batches shuffled again.
 */
export function lengthBatches(rand: Random, lengths: number[], batch: number): number[][] {
  const order = rand.shuffle(lengths.map((_, i) => i));
  const out: number[][] = [];
  const window = batch * 16;
  for (let i = 0; i < order.length; i += window) {
    const part = order.slice(i, i + window).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let j = 0; j + batch <= part.length; j += batch) out.push(part.slice(j, j + batch));
  }
  return rand.shuffle(out);
}

/** The mean of a per-batch loss over all items, each batch weighted by its size. */
export function meanOverBatches<E>(items: E[], batch: number, lossOf: (part: E[]) => number): number {
  let total = 0;
  for (let i = 0; i < items.length; i += batch) {
    const part = items.slice(i, i + batch);
    total += lossOf(part) * part.length;
  }
  return total / items.length;
}

export interface SequenceFit {
  /** Names the model in log lines ("decoder step 100: …"). */
  label: string;
  /** Checkpoint name of the best validation loss. */
  checkpoint: string;
  curve: { file: string; title: string };
  /** Keys the batch order's random stream (derived from the stage's seed). */
  streamKey: number;
  /** Summary length of each training example (for the batches). */
  lengths: number[];
  /** The training loss of the examples with these indices (called inside the optimizer's minimize). */
  loss: (indices: number[]) => tf.Scalar;
  /** The validation loss of the current weights. */
  validate: () => number;
}

export async function fitSequenceModel(w: Weights, o: StageOptions, f: SequenceFit): Promise<void> {
  const optimizer = stageOptimizer(o);
  const rand = Random.derive(o.seed, f.streamKey);
  const history: { step: number; train: number; val: number }[] = [];
  const vars = Object.values(w);
  let batches: number[][] = [];
  let running = 0;
  let best = Infinity;
  for (let step = 1; step <= o.steps; step++) {
    if (batches.length === 0) batches = lengthBatches(rand, f.lengths, Math.min(o.batch, f.lengths.length));
    const indices = batches.pop()!;
    optimizer.at(step);
    const loss = optimizer.minimize(() => f.loss(indices), true, vars)!;
    const value = loss.dataSync()[0]!;
    loss.dispose();
    running = step === 1 ? value : 0.9 * running + 0.1 * value;
    o.onStep(step, running);
    if (step % o.evalEvery === 0 || step === o.steps) {
      const v = f.validate();
      history.push({ step, train: running, val: v });
      o.log(`${f.label} step ${step}: train ${running.toFixed(4)}, validation ${v.toFixed(4)}`);
      if (v < best) {
        best = v;
        await saveCheckpoint(o.out, f.checkpoint, w, { step, val: v });
      }
    }
  }
  optimizer.dispose();
  await writeFile(
    join(o.out, f.curve.file),
    lineChart({ title: f.curve.title, series: [{ name: 'train NLL', points: history.map((h) => [h.step, h.train]) }, { name: 'validation NLL', points: history.map((h) => [h.step, h.val]) }], xLabel: 'step', yLabel: 'NLL per token' }),
  );
}
