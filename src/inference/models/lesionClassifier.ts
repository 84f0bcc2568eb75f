/**
 * The lesion classifier: the second stage of the detector (`lesions/candidates.ts`), which tells each
 * candidate's finding type, or none, from its native-resolution patch. A two-layer perceptron, as the
 * false-positive reduction stages of early nodule CAD were; trained on the corpus's voxel labels
 * (`training/trainLesionClassifier.ts`), every candidate labelled by the finding drawn under it.
 *
 *   x       [N, CANDIDATE_FEATURES]   patch values in [0, 1] and the two filters' responses
 *   hidden  ReLU((x − ½) · W1 + b1) → ReLU(· W2 + b2)
 *   logits  · W3 + b3                → [N, 1 + findingTypes]  (none, then each type in FINDING_TYPES' order)
 */
import * as tf from '@tensorflow/tfjs';
import { CANDIDATE_FEATURES } from '../lesions/candidates.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface LesionClassifierConfig {
  hidden: [number, number];
  findingTypes: number;
}

export const DEFAULT_LESION_CLASSIFIER: LesionClassifierConfig = { hidden: [256, 64], findingTypes: 9 };

/** Each layer's input width, then the output's: the features, the hidden layers, none and each type. */
const layerWidths = (c: LesionClassifierConfig): number[] => [CANDIDATE_FEATURES, ...c.hidden, 1 + c.findingTypes];

export function buildLesionClassifier(c: LesionClassifierConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  const widths = layerWidths(c);
  for (let i = 1; i < widths.length; i++) {
    b.kernel(`lesion.d${i}.kernel`, [widths[i - 1]!, widths[i]!]);
    b.zeros(`lesion.d${i}.bias`, [widths[i]!]);
  }
  return b.weights;
}

/** Multiply–accumulate count ×2 of one candidate's pass (for the model card's FLOPs). */
export function lesionClassifierFlops(c: LesionClassifierConfig): number {
  const widths = layerWidths(c);
  return widths.slice(1).reduce((n, w, i) => n + 2 * widths[i]! * w, 0);
}

/** Candidates' features → logits [N, 1 + findingTypes]. */
export function lesionLogits(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dense = (h: tf.Tensor2D, i: number) => tf.add(tf.matMul(h, w[`lesion.d${i}.kernel`] as tf.Tensor2D), w[`lesion.d${i}.bias`]!) as tf.Tensor2D;
    const h1 = tf.relu(dense(tf.sub(x, 0.5), 1)) as tf.Tensor2D;
    return dense(tf.relu(dense(h1, 2)) as tf.Tensor2D, 3);
  });
}
