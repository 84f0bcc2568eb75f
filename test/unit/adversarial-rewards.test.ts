/** The adversarial rewards against hand-computed values: MaliGAN's normalised weights, group baselines, paper B's mix. */
import { describe, expect, it } from 'vitest';
import { groupBaseline, maliganAdvantages } from '../../src/training/trainLfmgan.ts';
import { mixedReward } from '../../src/training/rewardFineTune.ts';

describe('adversarial rewards', () => {
  it("MaliGAN: D/(1−D) normalised within each study's K samples, minus 1/K", () => {
    // Group 1: D = 0.5, 0.8 → ratios 1, 4 → weights 0.2, 0.8 → minus 0.5: −0.3, 0.3.
    // Group 2: D = 0.5, 0.5 → weights 0.5, 0.5 → 0, 0.
    const a = maliganAdvantages([0.5, 0.8, 0.5, 0.5], 2);
    [-0.3, 0.3, 0, 0].forEach((v, i) => expect(a[i]!).toBeCloseTo(v, 10));
    // Advantages of a group sum to zero; D = 1 is clamped, not infinite.
    const b = maliganAdvantages([1, 0.2, 0.4], 3);
    expect(b.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 10);
    expect(b.every(Number.isFinite)).toBe(true);
  });
  it('group baseline: each value minus its group mean', () => {
    expect(groupBaseline([1, 3, 10, 20], 2)).toEqual([-1, 1, -5, 5]);
  });
  it('paper B: r = α·d + (1 − α)·e', () => {
    const r = mixedReward(0.25, [0.8, 0.4], [2, 0]);
    expect(r[0]!).toBeCloseTo(0.25 * 0.8 + 0.75 * 2, 10);
    expect(r[1]!).toBeCloseTo(0.1, 10);
  });
});
