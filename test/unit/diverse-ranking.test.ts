/** Maximal marginal relevance, checked by hand. */
import { describe, expect, it } from 'vitest';
import { diverseOrder, rowInnerProduct } from '../../src/inference/diverseRanking.ts';

// Passages 0 and 1 are near copies (sim 0.9); 2 differs from both (sim 0.1); 3 is far down the scores.
const scores = [0.8, 0.75, 0.6, 0.1];
const sim = (a: number, b: number) => {
  const pair = [a, b].sort().join();
  return ({ '0,1': 0.9, '0,2': 0.1, '1,2': 0.1, '0,3': 0, '1,3': 0, '2,3': 0 } as Record<string, number>)[pair]!;
};

describe('diverseOrder', () => {
  it('is the order by score at λ = 1', () => {
    expect(diverseOrder(scores, sim, 1, 10, 4)).toEqual([0, 1, 2, 3]);
  });

  it('puts a different passage before a near copy at λ = 0.7', () => {
    // After 0: passage 1 scores 0.7·0.75 − 0.3·0.9 = 0.255, passage 2 0.7·0.6 − 0.3·0.1 = 0.39, passage 3 0.07.
    // After 0, 2: passage 1 0.7·0.75 − 0.3·0.9 = 0.255, passage 3 0.07.
    expect(diverseOrder(scores, sim, 0.7, 10, 4)).toEqual([0, 2, 1, 3]);
  });

  it('keeps to the pool of the best scores, and returns no more than asked', () => {
    expect(diverseOrder(scores, sim, 0.7, 2, 2)).toEqual([0, 1]); // 2 is outside a pool of 2
    expect(diverseOrder(scores, sim, 0.7, 10, 2)).toEqual([0, 2]);
    expect(() => diverseOrder(scores, sim, 1.5, 10, 2)).toThrow(/λ/);
  });

  it('reads two passages’ similarity as the inner product of their index rows', () => {
    const rows = rowInnerProduct(Float32Array.from([1, 0, 0.6, 0.8, 0, 1]), 2);
    expect(rows(0, 1)).toBeCloseTo(0.6, 6);
    expect(rows(1, 2)).toBeCloseTo(0.8, 6);
    expect(rows(2, 2)).toBe(1);
  });
});
