/** Passages matched to the findings the input text names (textMatchedRanking.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { matchCount, namedFindings, textMatchedScores } from '../../src/inference/textMatchedRanking.ts';

const TEXT = '主诉：咳嗽。左肺上叶见一实性结节影，直径约12mm。肺野内透亮度增高。气管通畅。';

describe('namedFindings', () => {
  it('reads each sentence\'s finding and the place it names', () => {
    expect(namedFindings(TEXT)).toEqual([
      { type: 'solid-nodule', place: '左肺上叶' },
      { type: 'emphysema', place: undefined },
    ]);
    expect(namedFindings('双肺未见明显异常。')).toEqual([]);
  });
});

describe('matchCount and textMatchedScores', () => {
  const named = namedFindings(TEXT);
  const passages = [
    { findingTypes: ['solid-nodule' as const], locations: ['右肺上叶' as const] },
    { findingTypes: ['solid-nodule' as const, 'emphysema' as const], locations: ['左肺上叶' as const] },
    { findingTypes: ['emphysema' as const], locations: ['右肺下叶' as const] },
  ];
  it('counts a type at its named place, and a placeless one anywhere', () => {
    expect(passages.map((p) => matchCount(p, named))).toEqual([0, 2, 1]);
  });
  it('raises each score by λ per match, and leaves them where the text names nothing', () => {
    expect(Array.from(textMatchedScores(Float32Array.from([0.9, 0.7, 0.8]), passages, named, 0.1), (s) => Math.round(s * 100) / 100)).toEqual([0.9, 0.9, 0.9]);
    const scores = Float32Array.from([0.9, 0.7, 0.8]);
    expect(textMatchedScores(scores, passages, [], 0.1)).toBe(scores);
  });
});
