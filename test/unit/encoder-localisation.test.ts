import { describe, expect, it } from 'vitest';
import { headPeakHits, tallyHeadPeaks } from '../../src/eval/encoderLocalisation.ts';
import { DEFAULT_IMAGE_ENCODER } from '../../src/inference/models/imageEncoder.ts';

// A 1 × 2 × 2 region grid over a 1-slice 4 × 4 volume: region (0, r, c) covers pixels x ∈ [2c, 2c+1], y ∈ [2r, 2r+1].
const shape = [1, 2, 2] as const;
const volume = { depth: 1, height: 4, width: 4 };
const OUT = 10; // 9 finding types, then "any finding" (the default encoder's head)

/** Logits [region][output] with the given values for one output per region, 0 elsewhere. */
function logits(entries: { output: number; perRegion: number[] }[]): Float32Array {
  const l = new Float32Array(4 * OUT);
  for (const { output, perRegion } of entries) perRegion.forEach((v, r) => (l[r * OUT + output] = v));
  return l;
}

describe('headPeakHits', () => {
  it('scores the peak of the finding type’s output and of "any finding" against the boxes', () => {
    // solid-nodule (output 0) peaks in region 3 (bottom right), mass (output 3) in region 0; "any" (9) peaks in region 3.
    const l = logits([{ output: 0, perRegion: [0, 1, 2, 5] }, { output: 3, perRegion: [4, 0, 0, 1] }, { output: 9, perRegion: [1, 0, 0, 3] }]);
    const nodule = { type: 'solid-nodule' as const, location: '右肺上叶' as const, boxes: [{ slice: 0, box: [3, 3, 3, 3] as [number, number, number, number] }] }; // in region 3
    const mass = { type: 'mass' as const, location: '左肺下叶' as const, boxes: [{ slice: 0, box: [2, 0, 3, 1] as [number, number, number, number] }] }; // in region 1 only
    expect(headPeakHits(l, shape, DEFAULT_IMAGE_ENCODER, volume, [nodule, mass])).toEqual([
      { type: 'solid-nodule', typePeak: true, anyPeak: true },
      { type: 'mass', typePeak: false, anyPeak: false },
    ]);
  });
});

describe('tallyHeadPeaks', () => {
  it('gives hit rates overall and per type', () => {
    const t = tallyHeadPeaks([
      { type: 'mass', typePeak: true, anyPeak: false },
      { type: 'mass', typePeak: false, anyPeak: false },
      { type: 'cavity', typePeak: true, anyPeak: true },
    ]);
    expect(t['all']).toEqual({ n: 3, typePeak: 2 / 3, anyPeak: 1 / 3 });
    expect(t['mass']).toEqual({ n: 2, typePeak: 0.5, anyPeak: 0 });
    expect(t['cavity']).toEqual({ n: 1, typePeak: 1, anyPeak: 1 });
  });
});
