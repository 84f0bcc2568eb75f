/** Pointing-game trials: which tokens count, and region-level hits, on a hand-built example. */
import { describe, expect, it } from 'vitest';
import type { FindingTruth } from '../../src/corpus/schema.ts';
import { peakRegion, regionHits } from '../../src/eval/pointing.ts';
import { pointingTrials } from '../../src/eval/pointingTrials.ts';

const nodule: FindingTruth = { type: 'solid-nodule', location: '右肺上叶', sizeMm: 10, margin: '光滑', density: '实性', count: 1, meanHu: 38, boxes: [{ slice: 5, box: [40, 40, 50, 50] }] };

describe('pointing trials', () => {
  it('maps a region to the pixels and slices it covers', () => {
    // 2 × 4 × 4 regions over a 16-slice 128² volume: region (0, 1, 1) covers slices 0–7, x and y 32–63.
    expect(regionHits({ d: 0, r: 1, c: 1 }, [2, 4, 4], { depth: 16, height: 128, width: 128 }, nodule.boxes)).toBe(true);
    expect(regionHits({ d: 1, r: 1, c: 1 }, [2, 4, 4], { depth: 16, height: 128, width: 128 }, nodule.boxes)).toBe(false);
    expect(regionHits({ d: 0, r: 0, c: 1 }, [2, 4, 4], { depth: 16, height: 128, width: 128 }, nodule.boxes)).toBe(false);
    expect(peakRegion([0, 0, 0, 0, 0, 0.9, 0, 0.1], [2, 2, 2])).toEqual({ d: 1, r: 0, c: 1 });
  });
  it('tests the tokens of the location and finding name against the right finding, not the others', () => {
    const at = (index: number) => Array.from({ length: 32 }, (_, i) => (i === index ? 1 : 0));
    const hit = at(5); // region (0, 1, 1)
    const miss = at(0);
    const tokens = [...'右肺上叶实性结节，约', '1', '##0', '##mm', '。'].map((text, i) => ({ text, visualAttention: i < 4 ? hit : i < 8 ? miss : hit }));
    // 右肺上叶 (4 tokens) hit, 实性结节 (4 tokens) miss; size and punctuation are not tested.
    expect(pointingTrials(tokens, [2, 4, 4], { depth: 16, height: 128, width: 128 }, [nodule])).toEqual([true, true, true, true, false, false, false, false]);
    // A clause about a finding the study does not have takes no part.
    expect(pointingTrials(tokens, [2, 4, 4], { depth: 16, height: 128, width: 128 }, [{ ...nodule, location: '左肺下叶' }])).toEqual([]);
  });
});
