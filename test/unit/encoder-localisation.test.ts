import { describe, expect, it } from 'vitest';
import { boxesLobe, detectedAt, headLobe, headPeakHits, rocAuc, sidePeakHits, studyScores, tallyHeadPeaks } from '../../src/eval/encoderLocalisation.ts';
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

// P(lobe | region) over the 4 regions and the 5 lobes (LOBES order): regions 0 and 1 are 右肺上叶, region 2 is
// split 右肺中叶 0.6 / 右肺下叶 0.4, region 3 is 左肺下叶.
const table = [[1, 0, 0, 0, 0], [1, 0, 0, 0, 0], [0, 0.6, 0.4, 0, 0], [0, 0, 0, 0, 1]].flat();

describe('headLobe', () => {
  it('takes the lobe with the most σ(logit)-weighted evidence', () => {
    // σ(0) = 0.5 in regions 0, 1 (右肺上叶: 1.0); σ(3) ≈ 0.953 in region 2 (右肺中叶 0.572, 右肺下叶 0.381); σ(−9) ≈ 0 in region 3.
    expect(headLobe(logits([{ output: 0, perRegion: [0, 0, 3, -9] }]), 0, OUT, table)).toBe(0);
    // Region 2 at σ(9) ≈ 1 against regions 0, 1 at σ(−3) ≈ 0.047 each (0.095): 右肺中叶 (0.6) wins.
    expect(headLobe(logits([{ output: 0, perRegion: [-3, -3, 9, -9] }]), 0, OUT, table)).toBe(1);
  });
  it('is −1 where the table says nothing', () => {
    expect(headLobe(logits([]), 0, OUT, new Array(20).fill(0))).toBe(-1);
  });
});

describe('boxesLobe', () => {
  it('names the lobe from the regions the boxes cover', () => {
    const box = (b: [number, number, number, number]) => ({ boxes: [{ slice: 0, box: b }] });
    expect(boxesLobe(shape, volume, box([0, 2, 1, 3]), table)).toBe(1); // region 2 only: 右肺中叶 0.6 over 右肺下叶 0.4
    expect(boxesLobe(shape, volume, box([0, 0, 3, 3]), table)).toBe(0); // all four: 右肺上叶 2 against 1, 0.6, 0.4
  });
});

describe('headPeakHits with a lobe table', () => {
  it('scores the lobe only for findings in a lobe', () => {
    // solid-nodule (output 0) all but off outside region 3 (左肺下叶).
    const l = logits([{ output: 0, perRegion: [-9, -9, -9, 5] }]);
    const nodule = { type: 'solid-nodule' as const, location: '左肺下叶' as const, boxes: [{ slice: 0, box: [3, 3, 3, 3] as [number, number, number, number] }] };
    const wrongLobe = { ...nodule, location: '右肺上叶' as const };
    const effusion = { type: 'pleural-effusion' as const, location: '右侧胸腔' as const, boxes: [{ slice: 0, box: [3, 3, 3, 3] as [number, number, number, number] }] };
    const hits = headPeakHits(l, shape, DEFAULT_IMAGE_ENCODER, volume, [nodule, wrongLobe, effusion], table);
    expect(hits.map((h) => h.lobe)).toEqual([true, false, undefined]);
    // The boxes lie in region 3, which the table gives to 左肺下叶 only.
    expect(hits.map((h) => h.lobeCeiling)).toEqual([true, false, undefined]);
  });
});

describe('tallyHeadPeaks', () => {
  it('gives hit rates overall and per type', () => {
    const t = tallyHeadPeaks([
      { type: 'mass', typePeak: true, anyPeak: false, lobe: true, lobeCeiling: true },
      { type: 'mass', typePeak: false, anyPeak: false, lobe: false, lobeCeiling: true },
      { type: 'cavity', typePeak: true, anyPeak: true },
    ]);
    expect(t['all']).toEqual({ n: 3, typePeak: 2 / 3, anyPeak: 1 / 3, inLobe: 2, lobe: 0.5, lobeCeiling: 1 });
    expect(t['mass']).toEqual({ n: 2, typePeak: 0.5, anyPeak: 0, inLobe: 2, lobe: 0.5, lobeCeiling: 1 });
    expect(t['cavity']).toEqual({ n: 1, typePeak: 1, anyPeak: 1, inLobe: 0, lobe: 0, lobeCeiling: 0 });
  });
});

describe('studyScores', () => {
  it('takes per output the largest σ(logit) over the regions, lobes left out', () => {
    // solid-nodule (0) peaks at 0 in region 1: σ(0) = 0.5; "any finding" (9) peaks at ln 3 in region 2: σ = 0.75.
    const s = studyScores(logits([{ output: 0, perRegion: [-2, 0, -1, -5] }, { output: 9, perRegion: [-1, -1, Math.log(3), 0] }]), DEFAULT_IMAGE_ENCODER);
    expect(s).toHaveLength(10);
    expect(s[0]).toBeCloseTo(0.5, 12);
    expect(s[9]).toBeCloseTo(0.75, 7) // ln 3 stored as float32;
    expect(s[3]).toBeCloseTo(0.5, 12); // all zero
    // With 5 lobe outputs after them, a layout of 15 outputs per region: the lobes are not scored.
    const withLobes = { ...DEFAULT_IMAGE_ENCODER, lobes: 5 };
    const l = new Float32Array(4 * 15).fill(-9);
    l[2 * 15 + 12] = 9; // a lobe output, region 2
    l[3 * 15 + 1] = Math.log(4); // ground-glass nodule, region 3: σ = 0.8
    const t = studyScores(l, withLobes);
    expect(t).toHaveLength(10);
    expect(t[1]).toBeCloseTo(0.8, 7);
    expect(Math.max(...t)).toBeCloseTo(0.8, 7);
  });
});

describe('rocAuc', () => {
  it('is the share of positive–negative pairs the positive wins, ties half', () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1], [2])).toBe(0);
    // pairs: 2>1 win, 2=2 half, 2<3 loss; 5 beats all three: (1 + 0.5 + 0 + 3) / 6
    expect(rocAuc([2, 5], [1, 2, 3])).toBe(4.5 / 6);
    expect(rocAuc([], [1])).toBeNaN();
  });
});

describe('detectedAt', () => {
  it('counts scores above the negatives\' (1 − rate) quantile', () => {
    const negatives = Array.from({ length: 20 }, (_, i) => i); // 0..19; the 95th percentile (index 19) is 19
    expect(detectedAt([18.5, 19, 19.5, 30], negatives, 0.05)).toBe(2);
    // at 10 % false alarms the cut is index 18: 18.5, 19, 19.5 and 30 are above it
    expect(detectedAt([18.5, 19, 19.5, 30], negatives, 0.1)).toBe(4);
    expect(detectedAt([1], [], 0.05)).toBeNaN();
  });
});

describe('sidePeakHits', () => {
  it('takes the peak among the regions of the finding’s side: the image’s left half for the patient’s right', () => {
    // Regions 0 and 2 are column 0 (patient's right), 1 and 3 column 1; the largest value overall is region 1's.
    const perRegion = [0.3, 0.9, 0.5, 0.8];
    const right = { location: '右肺下叶' as const, boxes: [{ slice: 0, box: [0, 2, 1, 3] as [number, number, number, number] }] }; // region 2
    const left = { location: '左肺下叶' as const, boxes: [{ slice: 0, box: [3, 3, 3, 3] as [number, number, number, number] }] }; // region 3
    const rightUpper = { location: '右肺上叶' as const, boxes: [{ slice: 0, box: [0, 0, 1, 1] as [number, number, number, number] }] }; // region 0
    expect(sidePeakHits(perRegion, shape, volume, [right, left, rightUpper])).toEqual([true, false, false]);
  });
});
