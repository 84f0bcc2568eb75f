/**
 * The lesion classifier: the second stage of the detector (`lesions/candidates.ts`), which tells each
 * candidate's finding type, or none, from its native-resolution patch: a small convolutional network, as
 * the false-positive reduction stages of nodule CAD are (Setio et al. 2017); trained on the corpus's voxel
 * labels (`training/trainLesionClassifier.ts`), every candidate labelled by the finding drawn under it.
 *
 *   x       [N, CANDIDATE_FEATURES]   the patch (3 slices × 24 × 24) in [0, 1], then the two filters' responses
 *   stem    kernel = stride convolutions over the patch (x − ½), each one plain matrix product:
 *           3 × 3 cells, all 3 slices → c1, ReLU  [N, 8, 8, c1];  2 × 2 of those → c2, ReLU  [N, 4, 4, c2]
 *   hidden  ReLU([stem cells, filters − ½] · W1 + b1) → ReLU(· W2 + b2)
 *   logits  · W3 + b3                → [N, 1 + findingTypes]  (none, then each type in FINDING_TYPES' order)
 */
import * as tf from '@tensorflow/tfjs';
import { CANDIDATE_FEATURES, PATCH_SIDE, PATCH_SLICES } from '../lesions/candidates.ts';
import { dense } from './ops.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface LesionClassifierConfig {
  hidden: [number, number];
  findingTypes: number;
  /** The two stem convolutions' widths. */
  stem: [number, number];
}

export const DEFAULT_LESION_CLASSIFIER: LesionClassifierConfig = { hidden: [64, 64], findingTypes: 9, stem: [32, 64] };

/** The stem's first cells: 3 × 3 pixels (then 2 × 2 of those). */
const CELL = 3;
const PATCH_VALUES = PATCH_SLICES * PATCH_SIDE * PATCH_SIDE;
/** Cells per side after each stem convolution. */
const [SIDE1, SIDE2] = [PATCH_SIDE / CELL, PATCH_SIDE / CELL / 2];

/** Each stem convolution's cells per patch, and its input and output width. */
const stemLayers = ([c1, c2]: [number, number]) => [
  { cells: SIDE1 * SIDE1, from: PATCH_SLICES * CELL * CELL, to: c1 },
  { cells: SIDE2 * SIDE2, from: 4 * c1, to: c2 },
];

/** Each dense layer's input width, then the output's: the stem's cells and the filters' responses, the hidden layers, none and each type. */
const layerWidths = (c: LesionClassifierConfig): number[] => [SIDE2 * SIDE2 * c.stem[1] + CANDIDATE_FEATURES - PATCH_VALUES, ...c.hidden, 1 + c.findingTypes];

export function buildLesionClassifier(c: LesionClassifierConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  stemLayers(c.stem).forEach(({ from, to }, i) => {
    b.kernel(`lesion.c${i + 1}.kernel`, [from, to]);
    b.zeros(`lesion.c${i + 1}.bias`, [to]);
  });
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
  const stem = stemLayers(c.stem).reduce((n, { cells, from, to }) => n + 2 * cells * from * to, 0);
  return stem + widths.slice(1).reduce((n, w, i) => n + 2 * widths[i]! * w, 0);
}

/**
 * The stem over the patches [N, PATCH_VALUES] (slice, row, column order) → [N, SIDE2² · c2]. Both
 * convolutions have kernel = stride, so reordering the values puts each cell's inputs in one row; every
 * reorder is a rank-4 transpose, which the wasm backend has with its gradient.
 */
function stem(w: Weights, patches: tf.Tensor2D): tf.Tensor2D {
  const n = patches.shape[0];
  const conv = (rows: tf.Tensor2D, i: number) => tf.relu(dense(w, `lesion.c${i}`, rows)) as tf.Tensor2D;
  // [N, s, y, x] → [N, y, x, s] → rows of (cell row) [N·8, 3 (row in cell), 8 (cell column), 3·3 (column in cell, slice)] → [N·8, 8, 3, 9] → one row per cell.
  const pixelsLast = tf.transpose(patches.reshape([n, PATCH_SLICES, PATCH_SIDE, PATCH_SIDE]), [0, 2, 3, 1]);
  const cells1 = tf.transpose(pixelsLast.reshape([n * SIDE1, CELL, SIDE1, CELL * PATCH_SLICES]), [0, 2, 1, 3]).reshape([n * SIDE1 * SIDE1, CELL * CELL * PATCH_SLICES]) as tf.Tensor2D;
  const h1 = conv(cells1, 1); // [N·64, c1]: (N, cell row, cell column)
  const c1 = h1.shape[1];
  const cells2 = tf.transpose(h1.reshape([n * SIDE2, 2, SIDE2, 2 * c1]), [0, 2, 1, 3]).reshape([n * SIDE2 * SIDE2, 4 * c1]) as tf.Tensor2D;
  const h2 = conv(cells2, 2); // [N·16, c2]
  return h2.reshape([n, SIDE2 * SIDE2 * h2.shape[1]]);
}

/** Candidates' features → logits [N, 1 + findingTypes]. */
export function lesionLogits(w: Weights, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const centred = tf.sub(x, 0.5) as tf.Tensor2D;
    const input = tf.concat([stem(w, centred.slice([0, 0], [-1, PATCH_VALUES])), centred.slice([0, PATCH_VALUES], [-1, -1])], 1) as tf.Tensor2D;
    return dense(w, 'lesion.d3', tf.relu(dense(w, 'lesion.d2', tf.relu(dense(w, 'lesion.d1', input))))) as tf.Tensor2D;
  });
}
