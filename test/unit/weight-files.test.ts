/** Weight files: float32 round trip exact, uint8 within half a step of each row (small tensors kept float32), the codes decoded by tf.io itself. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { decodeWeightFile, dequantizeRows, encodeWeightFile, quantizeRowsUint8, quantizeUint8 } from '../../src/inference/models/weightFiles.ts';
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
    // One byte per kernel value, a float32 min and scale per kernel row; the small bias stays float32.
    expect(file.data.length).toBe(32 * 40 + 2 * 32 * 4 + 5 * 4);
    expect(file.specs.find((s) => s.name === 'a.bias')!.quantization).toBeUndefined();
    expect(file.specs.find((s) => s.name === 'a.kernel')!.quantization).toEqual({ dtype: 'uint8', min: 0, scale: 1 });
    const q = decodeWeightFile(file);
    const original = b.weights['a.kernel']!.dataSync();
    const rows = quantizeRowsUint8(original as Float32Array, 40);
    q['a.kernel']!.dataSync().forEach((v, i) => expect(Math.abs(v - original[i]!)).toBeLessThanOrEqual(rows.scales[Math.floor(i / 40)]! / 2 + 1e-7));
    expect(Array.from(q['a.bias']!.dataSync())).toEqual([0, 0, 0, 0, 0]);
    [exact, q, b.weights].forEach(disposeWeights);
  });

  it('gives every row its own range: a row of large values does not coarsen a row of small ones', () => {
    const values = new Float32Array([-0.01, 0, 0.01, -100, 0, 100]);
    const q = quantizeRowsUint8(values, 3);
    expect(Array.from(q.mins)).toEqual([Math.fround(-0.01), -100]);
    expect(Array.from(q.bytes)).toEqual([0, 128, 255, 0, 128, 255]);
    const one = quantizeUint8(values);
    expect(one.min + one.bytes[2]! * one.scale).not.toBeCloseTo(0.01, 3); // one scale for both rows rounds 0.01 away
  });

  it('dequantises codes by their rows and passes other tensors through; per-tensor exports (no row entries) decode as before', async () => {
    await tf.setBackend('cpu');
    const codes = tf.tensor2d([0, 255, 10, 20], [2, 2]);
    const out = dequantizeRows({ k: codes, 'k:row_min': tf.tensor1d([-1, 5]), 'k:row_scale': tf.tensor1d([2 / 255, 0.5]), b: tf.tensor1d([7]) });
    expect(Object.keys(out).sort()).toEqual(['b', 'k']);
    // Row 0: −1 + code · 2/255 → −1, 1; row 1: 5 + code · 0.5 → 10, 15.
    out['k']!.dataSync().forEach((v, i) => expect(v).toBeCloseTo([-1, 1, 10, 15][i]!, 5));
    expect(Array.from(out['b']!.dataSync())).toEqual([7]);
    const old = { specs: [{ name: 'w', shape: [2], dtype: 'float32' as const, quantization: { dtype: 'uint8' as const, min: -1, scale: 2 / 255 } }], data: new Uint8Array([0, 255]) };
    const decoded = decodeWeightFile(old);
    expect(Array.from(decoded['w']!.dataSync()).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([-1, 1]);
    tf.dispose([out['k']!, out['b']!]);
    disposeWeights(decoded);
  });
});
