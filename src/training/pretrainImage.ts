/**
 * Stage 1: pretraining the image encoder on the corpus's auxiliary labels — which finding types, and in
 * which lobes, lie in each region — with a class-weighted sigmoid cross-entropy (most regions are empty). Validation every
 * `evalEvery` steps; the best weights are kept; training stops early when validation stops improving.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import { concatTyped } from '../inference/arrays.ts';
import { encodeImage, headOutputs, initImageEncoder, regionGrid, regionLogits, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { countParams, disposeWeights, type Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { ImageBatchConverter } from './imageBatches.ts';
import { imageBatch, mirrorExample, type ImageExample } from './imageExamples.ts';
import type { StageOptions } from './stageOptions.ts';
import { loadOptimizerState, saveOptimizerState } from './optimizerState.ts';
import { stageOptimizer } from './learningRate.ts';

export interface PretrainOptions extends StageOptions {
  encoder: ImageEncoderConfig;
  /** Weight of positive regions in the loss. */
  positiveWeight: number;
  /** λ of the localisation term (`localisationLoss`; 0 or absent: none). */
  localisationWeight?: number;
  /** Each training study is mirrored left–right with probability ½ (`mirrorExample`): twice the views for an encoder that overfits. */
  mirror?: boolean;
  /** Evaluations without improvement before stopping. */
  patience: number;
  resume: boolean;
}

interface TrainerState {
  step: number;
  best: number;
  history: { step: number; train: number; val: number; f1: number }[];
  /** Validations since the best one (early stopping's count, kept across a resume). */
  sinceBest?: number;
  /** Pretraining stopped early (a run that reached its last step goes on only if given more steps). */
  stopped?: boolean;
}

function batchTensors(examples: ImageExample[], c: ImageEncoderConfig, floats?: Float32Array): { x: tf.Tensor2D; y: tf.Tensor5D } {
  const r = regionGrid(c);
  return tf.tidy(() => {
    const x = floats ? tf.tensor2d(floats, [examples.length, floats.length / examples.length]) : imageBatch(examples);
    const targets = concatTyped(examples.map((e) => e.regionTargets), (n) => new Uint8Array(n));
    const y = tf.tensor(targets, [examples.length, r.depth, r.height, r.width, headOutputs(c)], 'float32') as tf.Tensor5D;
    return { x, y };
  });
}

/** Weighted sigmoid cross-entropy: −(w·y·log σ(z) + (1 − y)·log(1 − σ(z))), stable via softplus. */
export function weightedBce(logits: tf.Tensor, targets: tf.Tensor, positiveWeight: number): tf.Scalar {
  return tf.tidy(() => {
    const pos = tf.mul(tf.mul(targets, positiveWeight), tf.softplus(tf.neg(logits)));
    const neg = tf.mul(tf.sub(1, targets), tf.softplus(logits));
    return tf.mean(tf.add(pos, neg)) as tf.Scalar;
  });
}

/**
 * Localisation: for each study and head output that has positive regions, −log of the softmax over the
 * study's regions of that output's logits, summed on the positive regions; the mean over those pairs.
 * The per-region cross-entropy judges each region alone, so a rib can score as high as the calcified
 * nodule it resembles; this term ranks a study's regions against each other, which is what the decoder's
 * attention (and the pointing game) needs: the finding's regions above every other.
 */
export function localisationLoss(logits: tf.Tensor5D, targets: tf.Tensor5D): tf.Scalar {
  return tf.tidy(() => {
    const [b, d, h, w, k] = logits.shape;
    const z = tf.transpose(tf.reshape(logits, [b, d * h * w, k]), [0, 2, 1]); // [B, K, R]
    const y = tf.transpose(tf.reshape(targets, [b, d * h * w, k]), [0, 2, 1]);
    const mass = tf.sum(tf.mul(tf.softmax(z), y), 2); // [B, K]
    const present = tf.minimum(tf.sum(y, 2), 1); // [B, K]
    return tf.div(tf.sum(tf.mul(tf.neg(tf.log(tf.add(mass, 1e-8))), present)), tf.maximum(tf.sum(present), 1)) as tf.Scalar;
  });
}

/** The pretraining objective: weighted per-region cross-entropy, plus λ × localisation where asked. */
function pretrainingLoss(logits: tf.Tensor5D, targets: tf.Tensor5D, o: Pick<PretrainOptions, 'positiveWeight' | 'localisationWeight'>): tf.Scalar {
  const bce = weightedBce(logits, targets, o.positiveWeight);
  return o.localisationWeight ? (tf.add(bce, tf.mul(localisationLoss(logits, targets), o.localisationWeight)) as tf.Scalar) : bce;
}

/** Validation loss and region-level F1 at probability 0.5. */
function validate(w: Weights, examples: ImageExample[], o: PretrainOptions): { loss: number; f1: number } {
  let loss = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < examples.length; i += o.batch) {
    const part = examples.slice(i, i + o.batch);
    const { x, y } = batchTensors(part, o.encoder);
    const [l, counts] = tf.tidy(() => {
      const logits = regionLogits(w, encodeImage(w, o.encoder, x));
      const predicted = tf.cast(tf.greater(logits, 0), 'float32');
      return [pretrainingLoss(logits, y, o).dataSync()[0]!, [tf.sum(tf.mul(predicted, y)), tf.sum(tf.mul(predicted, tf.sub(1, y))), tf.sum(tf.mul(tf.sub(1, predicted), y))].map((t) => t.dataSync()[0]!)];
    });
    tf.dispose([x, y]);
    loss += l * part.length;
    tp += counts[0]!;
    fp += counts[1]!;
    fn += counts[2]!;
  }
  return { loss: loss / examples.length, f1: tp ? (2 * tp) / (2 * tp + fp + fn) : 0 };
}

export async function pretrainImageEncoder(train: ImageExample[], val: ImageExample[], o: PretrainOptions): Promise<Weights> {
  // The best checkpoint is chosen on validation studies: without any, no checkpoint would ever be kept.
  if (train.length === 0 || val.length === 0) throw new Error(`image pretraining needs studies in both the train and val splits (found ${train.length} and ${val.length})`);
  const resumed = o.resume ? await loadCheckpoint<TrainerState>(o.out, 'image-encoder.last') : undefined;
  const w = resumed?.weights ?? initImageEncoder(o.encoder, o.seed);
  const state: TrainerState = resumed?.state ?? { step: 0, best: Infinity, history: [] };
  o.log(`image encoder: ${countParams(w)} parameters, ${train.length} training / ${val.length} validation studies${resumed ? `, resumed at step ${state.step}` : ''}`);
  const optimizer = stageOptimizer(o);
  if (resumed) await loadOptimizerState(o.out, 'image-encoder.last.optimizer', optimizer, w);
  const rand = Random.derive(o.seed, state.step);
  let order: number[] = [];
  let running = 0;
  const draw = (): ImageExample[] => {
    if (order.length < o.batch) order = rand.shuffle(train.map((_, i) => i));
    const picked = order.splice(0, o.batch).map((i) => train[i]!);
    return o.mirror ? picked.map((e) => (rand.chance(0.5) ? mirrorExample(e, o.encoder) : e)) : picked;
  };
  // Each batch's floats are made on a worker while the step before it runs (the draws keep their order).
  const converter = new ImageBatchConverter();
  const prepare = (examples: ImageExample[]) => converter.convert(examples.map((e) => e.image)).then((floats) => ({ examples, floats }));
  let next = state.step < o.steps ? prepare(draw()) : undefined;
  try {
    while (!state.stopped && state.step < o.steps) {
      const { examples, floats } = await next!;
      next = state.step + 1 < o.steps ? prepare(draw()) : undefined;
      const { x, y } = batchTensors(examples, o.encoder, floats);
      optimizer.at(state.step + 1);
      const loss = optimizer.minimize(() => pretrainingLoss(regionLogits(w, encodeImage(w, o.encoder, x)), y, o), true)!;
      const value = loss.dataSync()[0]!;
      tf.dispose([x, y, loss]);
      state.step++;
      running = state.step === 1 ? value : 0.9 * running + 0.1 * value;
      o.onStep(state.step, running);
      if (state.step % o.evalEvery === 0 || state.step === o.steps) {
        const v = validate(w, val, o);
        state.history.push({ step: state.step, train: running, val: v.loss, f1: v.f1 });
        o.log(`step ${state.step}: train ${running.toFixed(4)}, validation ${v.loss.toFixed(4)}, region F1 ${v.f1.toFixed(3)}`);
        const improved = v.loss < state.best;
        if (improved) state.best = v.loss;
        state.sinceBest = improved ? 0 : (state.sinceBest ?? 0) + 1;
        state.stopped = state.sinceBest >= o.patience;
        await saveCheckpoint(o.out, 'image-encoder.last', w, state);
        await saveOptimizerState(o.out, 'image-encoder.last.optimizer', optimizer, w);
        if (improved) await saveCheckpoint(o.out, 'image-encoder.best', w, state);
        if (state.stopped) {
          o.log(`early stop: no validation improvement in ${o.patience} evaluations`);
          break;
        }
      }
    }
  } finally {
    await converter.close();
  }
  optimizer.dispose();
  await writeFile(
    join(o.out, 'curve-image-encoder.svg'),
    lineChart({
      title: 'Image encoder pretraining',
      series: [
        { name: 'train loss', points: state.history.map((h) => [h.step, h.train]) },
        { name: 'validation loss', points: state.history.map((h) => [h.step, h.val]) },
        { name: 'validation region F1', points: state.history.map((h) => [h.step, h.f1]) },
      ],
      xLabel: 'step',
      yLabel: 'loss / F1',
    }),
  );
  disposeWeights(w);
  const best = await loadCheckpoint<TrainerState>(o.out, 'image-encoder.best');
  return best!.weights;
}
