/**
 * Training the lesion classifier (`inference/models/lesionClassifier.ts`) on candidates with their classes
 * (`lesionExamples.ts`). Candidates of a finding are about one in sixty, so each batch draws half its rows
 * from them and half from the rest; each patch is flipped and transposed at random (a lesion has no
 * orientation). Validation: the cross-entropy of the validation studies' candidates, the mean over those of
 * a finding and the mean over the rest averaged, so a classifier that calls everything "none" scores badly;
 * the best step's weights are kept.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../corpus/random.ts';
import { CANDIDATE_FEATURES, PATCH_SIDE } from '../inference/lesions/candidates.ts';
import { buildLesionClassifier, lesionLogits, type LesionClassifierConfig } from '../inference/models/lesionClassifier.ts';
import type { Weights } from '../inference/models/weights.ts';
import { stageOptimizer } from './learningRate.ts';
import type { LesionExamples } from './lesionExamples.ts';

export interface LesionTrainingOptions {
  config: LesionClassifierConfig;
  steps: number;
  batch: number;
  learningRate: number;
  evalEvery: number;
  seed: number;
  onStep?: (step: number, loss: number) => void;
  onValidation?: (step: number, loss: number) => void;
}

/** Rows `ids` of `e` as values in [0, 1]; with `rand`, each patch flipped and transposed at random. */
export function lesionRows(e: LesionExamples, ids: readonly number[], rand?: Random): Float32Array {
  const out = new Float32Array(ids.length * CANDIDATE_FEATURES);
  const p = PATCH_SIDE;
  ids.forEach((id, r) => {
    const src = id * CANDIDATE_FEATURES;
    const dst = r * CANDIDATE_FEATURES;
    const [flipY, flipX, swap] = rand ? [rand.next() < 0.5, rand.next() < 0.5, rand.next() < 0.5] : [false, false, false];
    for (let s = 0; s < 3; s++)
      for (let y = 0; y < p; y++)
        for (let x = 0; x < p; x++) {
          let yy = flipY ? p - 1 - y : y;
          let xx = flipX ? p - 1 - x : x;
          if (swap) [yy, xx] = [xx, yy];
          out[dst + (s * p + y) * p + x] = e.features[src + (s * p + yy) * p + xx]! / 255;
        }
    for (let k = 3 * p * p; k < CANDIDATE_FEATURES; k++) out[dst + k] = e.features[src + k]! / 255;
  });
  return out;
}

/** Mean cross-entropy of the candidates of a finding and of the rest, averaged. */
export function balancedLoss(w: Weights, e: LesionExamples, classes: number): number {
  const sums = [0, 0];
  const counts = [0, 0];
  for (let i = 0; i < e.classes.length; i += 2048) {
    const ids = Array.from({ length: Math.min(2048, e.classes.length - i) }, (_, k) => i + k);
    const losses = tf.tidy(() => {
      const logits = lesionLogits(w, tf.tensor2d(lesionRows(e, ids), [ids.length, CANDIDATE_FEATURES]));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(ids.map((id) => e.classes[id]!), 'int32'), classes), logits, undefined, 0, tf.Reduction.NONE).dataSync();
    });
    ids.forEach((id, k) => {
      const group = e.classes[id] ? 1 : 0;
      sums[group]! += losses[k]!;
      counts[group]!++;
    });
  }
  return (sums[0]! / Math.max(1, counts[0]!) + sums[1]! / Math.max(1, counts[1]!)) / 2;
}

/** Trains a classifier from a seeded initialisation; returns the best validation step's weights. */
export function trainLesionClassifier(train: LesionExamples, val: LesionExamples, o: LesionTrainingOptions): { weights: Weights; step: number; loss: number } {
  const positives = [...train.classes.keys()].filter((i) => train.classes[i]);
  const negatives = [...train.classes.keys()].filter((i) => !train.classes[i]);
  if (!positives.length || !negatives.length) throw new Error(`the lesion classifier needs candidates on findings and off them (${positives.length} on, ${negatives.length} off): the training studies need findings with voxel labels or boxes`);
  const classes = 1 + o.config.findingTypes;
  const w = buildLesionClassifier(o.config, o.seed);
  const rand = new Random(o.seed);
  const optimizer = stageOptimizer(o);
  const draw = (from: number[], n: number) => Array.from({ length: n }, () => from[Math.floor(rand.next() * from.length)]!);
  let best: { values: Record<string, tf.Tensor>; step: number; loss: number } | undefined;
  for (let step = 1; step <= o.steps; step++) {
    const ids = [...draw(positives, o.batch / 2), ...draw(negatives, o.batch - o.batch / 2)];
    const x = tf.tensor2d(lesionRows(train, ids, rand), [ids.length, CANDIDATE_FEATURES]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(ids.map((id) => train.classes[id]!), 'int32'), classes));
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, lesionLogits(w, x)) as tf.Scalar, true, Object.values(w))!;
    o.onStep?.(step, cost.dataSync()[0]!);
    tf.dispose([x, y, cost]);
    if (step % o.evalEvery === 0 || step === o.steps) {
      const loss = balancedLoss(w, val, classes);
      o.onValidation?.(step, loss);
      if (!best || loss < best.loss) {
        if (best) tf.dispose(Object.values(best.values));
        best = { values: Object.fromEntries(Object.entries(w).map(([k, v]) => [k, v.clone()])), step, loss };
      }
    }
  }
  optimizer.dispose();
  Object.entries(best!.values).forEach(([k, v]) => w[k]!.assign(v));
  tf.dispose(Object.values(best!.values));
  return { weights: w, step: best!.step, loss: best!.loss };
}
