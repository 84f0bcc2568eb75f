/** Resampling and windowing against hand-computed values. */
import { describe, expect, it } from 'vitest';
import { applyWindow, encoderChannels, resample } from '../../src/inference/preprocess.ts';

describe('preprocess', () => {
  it('area-averages when downsampling, with fractional overlaps', () => {
    const row = new Float32Array([0, 3, 6, 9]);
    expect(Array.from(resample(row, { depth: 1, height: 1, width: 4 }, { depth: 1, height: 1, width: 2 }))).toEqual([1.5, 7.5]);
    // 3 → 2: output 0 covers input 0 and half of 1: (0·1 + 3·0.5) / 1.5 = 1; output 1: (3·0.5 + 6) / 1.5 = 5.
    const three = resample(new Float32Array([0, 3, 6]), { depth: 1, height: 1, width: 3 }, { depth: 1, height: 1, width: 2 });
    expect(Array.from(three).map((v) => +v.toFixed(6))).toEqual([1, 5]);
  });
  it('keeps the mean of a volume and repeats values when upsampling', () => {
    const v = Float32Array.from({ length: 4 * 4 * 4 }, (_, i) => i);
    const small = resample(v, { depth: 4, height: 4, width: 4 }, { depth: 2, height: 2, width: 2 });
    expect(small.reduce((a, b) => a + b, 0) / small.length).toBeCloseTo(31.5, 4);
    expect(Array.from(resample(new Float32Array([5]), { depth: 1, height: 1, width: 1 }, { depth: 3, height: 1, width: 1 }))).toEqual([5, 5, 5]);
  });
  it('resamples each axis on its own (3 × 2 × 4 → 3 × 1 × 2: the depth axis kept) and hands back a new array when nothing changes', () => {
    const v = Float32Array.from({ length: 3 * 2 * 4 }, (_, i) => i);
    // Slice z holds 8z … 8z + 7; rows average (i, i + 4), then pairs of columns: 8z + (0 + 1 + 4 + 5) / 4 and 8z + (2 + 3 + 6 + 7) / 4.
    expect(Array.from(resample(v, { depth: 3, height: 2, width: 4 }, { depth: 3, height: 1, width: 2 }))).toEqual([2.5, 4.5, 10.5, 12.5, 18.5, 20.5]);
    const same = resample(v, { depth: 3, height: 2, width: 4 }, { depth: 3, height: 2, width: 4 });
    expect(same).not.toBe(v);
    expect(Array.from(same)).toEqual(Array.from(v));
  });
  it('windows to [0, 1] with clamping', () => {
    expect(Array.from(applyWindow(new Float32Array([-1350, -600, 150, 2000]), { center: -600, width: 1500 }))).toEqual([0, 0.5, 1, 1]);
  });
  it('builds channels-last input, one channel per window', () => {
    const x = encoderChannels(new Float32Array([-600, 40]), { depth: 1, height: 1, width: 2 });
    // Lung window (−600 / 1500): −600 → 0.5, 40 → 1390/1500. Mediastinal (40 / 400): −600 → 0, 40 → 0.5.
    expect(Array.from(x).map((v) => +v.toFixed(4))).toEqual([0.5, 0, 0.9267, 0.5]);
  });
  it('with thresholds adds calcium (130 → 0, 330 → 1 HU) and low attenuation (−930 → 0, −970 → 1 HU) after the windows', () => {
    const hu = [-1000, -960, -855, 40, 230, 720];
    const x = encoderChannels(new Float32Array(hu), { depth: 1, height: 1, width: 6 }, { thresholds: true });
    const thresholds = hu.map((_, i) => [x[i * 4 + 2]!, x[i * 4 + 3]!].map((v) => +v.toFixed(4)));
    // Calcium: (v − 130) / 200 clamped; low attenuation: (v + 930) / −40 clamped.
    expect(thresholds).toEqual([[0, 1], [0, 0.75], [0, 0], [0, 0], [0.5, 0], [1, 0]]);
    expect(Array.from(applyWindow(new Float32Array([-1000, -950, -900]), { center: -950, width: -40 }))).toEqual([1, 0.5, 0]);
  });
});
