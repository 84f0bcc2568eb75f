/** Weight files: float32 round trip exact, uint8 within half a step (small tensors kept float32), decoded by tf.io itself. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeWeightFile, encodeWeightFile, quantizeUint8 } from '../../src/inference/models/weightFiles.ts';
import { disposeWeights, WeightBuilder } from '../../src/inference/models/weights.ts';

describe('weight files', () => {
  it('quantises to 256 levels between min and max', () => {
    const q = quantizeUint8(new Float32Array([-1, 0, 1]));
    expect([q.min, q.scale]).toEqual([-1, 2 / 255]);
    expect(Array.from(q.bytes)).toEqual([0, 128, 255]);
    expect(quantizeUint8(new Float32Array([3, 3])).scale).toBe(1); // constant tensors stay exact
  });
  it('round-trips a weight map in float32 exactly and in uint8 within scale / 2', async () => {
    await tf.setBackend('cpu');
    const b = new WeightBuilder(4);
    b.kernel('a.kernel', [32, 40]);
    b.zeros('a.bias', [5]);
    const exact = decodeWeightFile(encodeWeightFile(b.weights, false));
    expect(Array.from(exact['a.kernel']!.dataSync())).toEqual(Array.from(b.weights['a.kernel']!.dataSync()));
    const file = encodeWeightFile(b.weights, true);
    expect(file.data.length).toBe(32 * 40 + 5 * 4); // one byte per kernel value; the small bias stays float32
    expect(file.specs.find((s) => s.name === 'a.bias')!.quantization).toBeUndefined();
    const spec = file.specs.find((s) => s.name === 'a.kernel')!;
    const q = decodeWeightFile(file);
    const original = b.weights['a.kernel']!.dataSync();
    q['a.kernel']!.dataSync().forEach((v, i) => expect(Math.abs(v - original[i]!)).toBeLessThanOrEqual(spec.quantization!.scale! / 2 + 1e-7));
    expect(Array.from(q['a.bias']!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    [exact, q, b.weights].forEach(disposeWeights);
  });
});
