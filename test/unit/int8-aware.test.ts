/** Int8-aware training: the forward pass sees exactly the exported weights and index, the gradient is the float weights'. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeWeightFile, encodeWeightFile } from '../../src/inference/models/weightFiles.ts';
import { disposeWeights, WeightBuilder } from '../../src/inference/models/weights.ts';
import { int8Index, straightThroughInt8, withInt8 } from '../../src/training/int8Aware.ts';
import { quantizeRows } from '../../src/training/exportModel.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function model() {
  const b = new WeightBuilder(9);
  b.kernel('k', [32, 40]); // quantised by the export (≥ 1,024 values)
  b.kernel('small', [4, 5]); // kept float32
  return b.weights;
}

describe('int8-aware training', () => {
  it('forward: the exported (uint8-rounded) weights; small tensors pass through as they are', () => {
    const w = model();
    const exported = decodeWeightFile(encodeWeightFile(w, true), false);
    const seen = tf.tidy(() => {
      const st = straightThroughInt8(w);
      expect(st.small).toBe(w.small);
      return tf.keep(st.k!.clone());
    });
    expect(Array.from(seen.dataSync())).toEqual(Array.from(exported.k!.dataSync()));
    expect(Array.from(seen.dataSync())).not.toEqual(Array.from(w.k!.dataSync()));
    [w, exported].forEach(disposeWeights);
    seen.dispose();
  });

  it('backward: the gradient reaches the float weights unchanged by the rounding (straight through)', () => {
    const w = model();
    const c = tf.randomNormal([32, 40], 0, 1, 'float32', 3);
    // d/dw Σ c ⊙ round(w) through the estimator is c, as for Σ c ⊙ w; with a plain sub of the rounding it would be 0.
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(c, straightThroughInt8(w).k!)), [w.k!]);
    const g = grads[w.k!.name]!;
    expect(Array.from(g.dataSync())).toEqual(Array.from(c.dataSync()));
    tf.dispose([c, g]);
    disposeWeights(w);
  });

  it('leaves no tensor behind', () => {
    const w = model();
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      straightThroughInt8(w);
    });
    expect(withInt8(w, (r) => r.k!.shape)).toEqual([32, 40]);
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(w);
  });

  it('the index as exported: int8 codes × each vector\'s scale, within half a step of the float vector', () => {
    const values = new Float32Array([0.6, -0.8, 0, 0.1, 0.2, -0.3]);
    const float = tf.tensor2d(values, [2, 3]);
    const rounded = int8Index(float);
    const { scales } = quantizeRows(values, 3);
    expect(scales[0]).toBeCloseTo(0.8 / 127, 7);
    rounded.dataSync().forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(scales[Math.floor(i / 3)]! / 2 + 1e-7));
    expect(rounded.dataSync()[1]).toBeCloseTo(-0.8, 6); // each vector's largest value is exact
    tf.dispose([float, rounded]);
  });
});
