/**
 * Int8-aware training (quantisation-aware training with the straight-through estimator: Bengio et al.
 * 2013, Jacob et al. 2018). The forward pass sees each weight as the export will round it — the very
 * uint8 codes, per-row mins and scales that `encodeWeightFile` writes and `decodeWeightFile` reads — and
 * the gradient passes to the float weights as if nothing were rounded. The greedy decoder has near ties
 * between synonymous wordings that plain rounding tips (docs/experiments.md, "int8 vs fp32, greedy").
 * Measured there (v21): trained this way for 100 steps, rounding changes half as many test summaries, but int8's CIDEr-D
 * still falls 3 % on the test split, so the shipped recipe does not use it.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeWeightFile, encodeWeightFile } from '../inference/models/weightFiles.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import { quantizeRows } from './exportModel.ts';
import { indexVectors } from '../inference/exportedModel.ts';

/** Frozen copies of `w` as the exported model holds them (rounded to uint8 where the export rounds). */
export function int8Rounded(w: Weights): Weights {
  return decodeWeightFile(encodeWeightFile(w, true), false);
}

/**
 * `w` as the forward pass should see it: w + (round(w) − w), the difference a constant (built from values,
 * so no gradient reaches it): the loss is the rounded model's, its gradient the float weights'. Tensors
 * the export keeps in float32 pass through unchanged. Call inside the optimizer's loss function, whose
 * scope disposes the tensors made here.
 */
export function straightThroughInt8(w: Weights): Weights {
  const rounded = int8Rounded(w);
  const out: Weights = {};
  for (const [name, v] of Object.entries(w)) {
    const r = rounded[name]!.dataSync() as Float32Array;
    const x = v.dataSync() as Float32Array;
    // A plain loop: Float32Array.from with a mapping function took ~200 ms a step here, this ~10 ms.
    const delta = new Float32Array(r.length);
    let rounds = false;
    for (let i = 0; i < r.length; i++) {
      delta[i] = r[i]! - x[i]!;
      rounds ||= delta[i] !== 0;
    }
    out[name] = rounds ? (tf.add(v, tf.tensor(delta, v.shape)) as tf.Variable) : v;
  }
  disposeWeights(rounded);
  return out;
}

/** The value of `f` on the rounded copy of `w`, which is disposed after. */
export function withInt8<T>(w: Weights, f: (rounded: Weights) => T): T {
  const rounded = int8Rounded(w);
  try {
    return f(rounded);
  } finally {
    disposeWeights(rounded);
  }
}

/** Passage vectors as the exported index holds them: int8 with one scale per vector (`quantizeRows`), read back. */
export function int8Index(index: tf.Tensor2D): tf.Tensor2D {
  const dim = index.shape[1];
  const q = quantizeRows(index.dataSync() as Float32Array, dim);
  return tf.tensor2d(indexVectors(q.data, q.scales).vectors, index.shape);
}
