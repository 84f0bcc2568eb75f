/** distinct-n and seq-rep-n against hand-counted values. */
import { describe, expect, it } from 'vitest';
import { distinctN, seqRepN } from '../../src/eval/diversity.ts';

describe('diversity', () => {
  const a = ['右', '肺', '结', '节'];
  const b = ['右', '肺', '右', '肺', '右'];
  it('distinct-n: distinct n-grams over all n-grams of all summaries', () => {
    // unigrams: 9 in all; distinct 右 肺 结 节 = 4.
    expect(distinctN([a, b], 1)).toBeCloseTo(4 / 9, 10);
    // bigrams: a has 3 (右肺 肺结 结节), b has 4 (右肺 肺右 右肺 肺右); distinct 右肺 肺结 结节 肺右 = 4 of 7.
    expect(distinctN([a, b], 2)).toBeCloseTo(4 / 7, 10);
    expect(distinctN([], 2)).toBe(0);
  });
  it('seq-rep-n: within-summary repetition, averaged; summaries shorter than n are skipped', () => {
    // a: 3 bigrams, all distinct → 0. b: 4 bigrams, 2 distinct → 0.5. Mean 0.25.
    expect(seqRepN([a, b], 2)).toBeCloseTo(0.25, 10);
    // 4-grams: a has 1 (0); b has 2: 右肺右肺, 肺右肺右 → 0. A 1-token summary has none and is skipped.
    expect(seqRepN([a, b, ['右']], 4)).toBe(0);
  });
});
