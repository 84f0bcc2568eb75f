/**
 * The training loop the two summary writers share (the fusion decoder and LFMGAN's generator): batches of
 * similar summary length, Adam, a running training loss, validation every `evalEvery` steps with the best
 * weights kept as a checkpoint, the latest one too (for resuming), early stopping, and the curve as SVG. The step
 * size is constant or decays (`learningRateFloor`).
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import type { Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { loadCheckpoint, readCheckpointState, saveCheckpoint } from './checkpoint.ts';
import { loadOptimizerState, saveOptimizerState } from './optimizerState.ts';
import { stageOptimizer } from './learningRate.ts';
import type { StageOptions } from './stageOptions.ts';
import { WeightAverage } from './weightAverage.ts';

/** A cap on the summary positions of a batch (its rows × its longest row's positions), for memory. */
export interface TokenBudget {
  /** Positions each example takes in a batch (its summary with EOS, as cut to the model's maximum). */
  positions: number[];
  maxTokens: number;
}

/**
 * Batches of similar summary length (the time loop runs to the longest in a batch): shuffled, sorted by
 * length within windows of 16 batches, cut, and the batches shuffled again. Without a budget each window's
 * last, short batch is dropped. With one, a batch of long summaries takes fewer rows (down to 1) so that
 * rows × its longest row fits, and every example is kept: the windows' tails are their longest summaries,
 * which dropping would leave out of training again and again.
 */
export function lengthBatches(rand: Random, lengths: number[], batch: number, budget?: TokenBudget): number[][] {
  const order = rand.shuffle(lengths.map((_, i) => i));
  const out: number[][] = [];
  const window = batch * 16;
  for (let i = 0; i < order.length; i += window) {
    const part = order.slice(i, i + window).sort((a, b) => lengths[a]! - lengths[b]!);
    if (!budget) {
      for (let j = 0; j + batch <= part.length; j += batch) out.push(part.slice(j, j + batch));
      continue;
    }
    for (let j = 0; j < part.length; ) {
      let k = Math.min(batch, part.length - j);
      const longest = (rows: number) => Math.max(...part.slice(j, j + rows).map((e) => budget.positions[e]!));
      while (k > 1 && k * longest(k) > budget.maxTokens) k--;
      out.push(part.slice(j, j + k));
      j += k;
    }
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
  /** Checkpoint name of the latest validation (weights, then optimizer state as `${last}.optimizer`), for resuming. */
  last: string;
  /** The training curve's file and title, and what the loss measures (default "NLL", per token). */
  curve: { file: string; title: string; measure?: { name: string; unit: string } };
  /** Keys the batch order's random stream (derived from the stage's seed). */
  streamKey: number;
  /** Summary length of each training example (for the batches). */
  lengths: number[];
  /** Batches of long summaries take fewer rows (`lengthBatches`). */
  budget?: TokenBudget;
  /** The training loss of the examples with these indices at this step, counted from 1 (called inside the optimizer's minimize). */
  loss: (indices: number[], step: number) => tf.Scalar;
  /** The validation loss of the current weights. */
  validate: () => number;
}

/** The weight average of a new run, or of a resumed one as its last checkpoint left it. */
async function startAverage(w: Weights, o: StageOptions, f: SequenceFit, resumed: boolean): Promise<WeightAverage> {
  if (!resumed) {
    o.log(`${f.label}: validated and kept as the moving average of its weights (decay ${o.averageDecay} per step)`);
    return new WeightAverage(w, o.averageDecay!);
  }
  const saved = await loadCheckpoint<{ updates: number }>(o.out, `${f.last}.average`);
  if (!saved) throw new Error(`${o.out}/${f.last}.average: missing, cannot resume a run that averages its weights`);
  const average = new WeightAverage(w, o.averageDecay!, saved.state.updates, saved.weights);
  tf.dispose(Object.values(saved.weights));
  return average;
}

/** Where a run stands, saved with its last checkpoint. */
interface FitState {
  step: number;
  best: number;
  sinceBest: number;
  running: number;
  history: { step: number; train: number; val: number }[];
  /** The run stopped early: resuming it trains nothing more (a run that reached its last step goes on only if given more steps). */
  stopped: boolean;
}

/**
 * Did the run whose last checkpoint is `last` in `out` finish (stopped early, or reached `steps`)? Then
 * resuming it trains nothing, and a caller can skip the work that comes before its first step.
 */
export async function finishedRun(out: string, last: string, steps: number): Promise<boolean> {
  // A retriever's last checkpoint holds its step alone (`trainRetriever`); a sequence model's, its `FitState`.
  const state = await readCheckpointState<Pick<FitState, 'step'> & { stopped?: boolean }>(out, last);
  return state !== undefined && (state.stopped === true || state.step >= steps);
}

/**
 * Trains `w` in place. With `o.resume` and a last checkpoint it continues from there: the weights, Adam's
 * moments (and the weight average's sums) and the step are restored and the batch stream is replayed up
 * to that step, so an interrupted and resumed run takes the same steps as one that ran through. With
 * `o.averageDecay` the validations, the best checkpoint and `w` at the end are the weights' moving average.
 */
export async function fitSequenceModel(w: Weights, o: StageOptions, f: SequenceFit): Promise<void> {
  const optimizer = stageOptimizer(o);
  const resumed = o.resume ? await loadCheckpoint<FitState>(o.out, f.last) : undefined;
  const state: FitState = resumed ? { ...resumed.state, best: resumed.state.best ?? Infinity } : { step: 0, best: Infinity, sinceBest: 0, running: 0, history: [], stopped: false };
  if (resumed) {
    for (const [name, value] of Object.entries(resumed.weights)) {
      if (!w[name]) throw new Error(`${o.out}/${f.last}: weight ${name} is not in this model`);
      w[name].assign(value);
    }
    tf.dispose(Object.values(resumed.weights));
    if (!(await loadOptimizerState(o.out, `${f.last}.optimizer`, optimizer, w))) throw new Error(`${o.out}/${f.last}.optimizer: missing, cannot resume`);
    o.log(`${f.label}: resumed at step ${state.step}${state.stopped || state.step >= o.steps ? ' (finished)' : ''}`);
  }
  const average = o.averageDecay === undefined ? undefined : await startAverage(w, o, f, resumed !== undefined);
  const rand = Random.derive(o.seed, f.streamKey);
  let batches: number[][] = [];
  const nextBatch = () => {
    if (batches.length === 0) batches = lengthBatches(rand, f.lengths, Math.min(o.batch, f.lengths.length), f.budget);
    return batches.pop()!;
  };
  for (let s = 0; s < state.step; s++) nextBatch(); // the batches the resumed run has already taken
  const vars = Object.values(w);
  while (!state.stopped && state.step < o.steps) {
    const indices = nextBatch();
    state.step++;
    optimizer.at(state.step);
    const loss = optimizer.minimize(() => f.loss(indices, state.step), true, vars)!;
    const value = loss.dataSync()[0]!;
    loss.dispose();
    average?.update(w);
    state.running = state.step === 1 ? value : 0.9 * state.running + 0.1 * value;
    o.onStep(state.step, state.running);
    if (state.step % o.evalEvery === 0 || state.step === o.steps) {
      const validation = async () => {
        const v = f.validate();
        state.history.push({ step: state.step, train: state.running, val: v });
        o.log(`${f.label} step ${state.step}: train ${state.running.toFixed(4)}, validation ${v.toFixed(4)}${average ? ' (weight average)' : ''}`);
        if (v < state.best) {
          state.best = v;
          state.sinceBest = 0;
          await saveCheckpoint(o.out, f.checkpoint, w, { step: state.step, val: v });
        } else state.sinceBest++;
      };
      await (average ? average.withAverage(w, validation) : validation());
      state.stopped = o.patience !== undefined && state.sinceBest >= o.patience;
      if (state.stopped) o.log(`${f.label}: early stop, no validation improvement in ${o.patience} evaluations`);
      await saveCheckpoint(o.out, f.last, w, state);
      await saveOptimizerState(o.out, `${f.last}.optimizer`, optimizer, w);
      if (average) await saveCheckpoint(o.out, `${f.last}.average`, average.sums, { updates: average.updates });
    }
  }
  optimizer.dispose();
  if (average) {
    average.assignTo(w);
    average.dispose();
  }
  const measure = f.curve.measure ?? { name: 'NLL', unit: 'per token' };
  await writeFile(
    join(o.out, f.curve.file),
    lineChart({ title: f.curve.title, series: [{ name: `train ${measure.name}`, points: state.history.map((h) => [h.step, h.train]) }, { name: `validation ${measure.name}${average ? ', weight average' : ''}`, points: state.history.map((h) => [h.step, h.val]) }], xLabel: 'step', yLabel: `${measure.name} ${measure.unit}` }),
  );
}
