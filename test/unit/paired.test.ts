/** Paired comparisons: hand-computed differences, an interval that sees a consistent small gain, and mismatched sets refused. */
import { describe, expect, it } from 'vitest';
import { ATOM_KINDS, type AtomCounts } from '../../src/eval/factScores.ts';
import { pairedComparison, type ItemScore } from '../../src/eval/paired.ts';

/** Counts with `tp` of `predicted` predicted and `reference` reference finding atoms, nothing of the other kinds. */
function counts(tp: number, predicted: number, reference: number): AtomCounts {
  const c = Object.fromEntries(ATOM_KINDS.map((k) => [k, { tp: 0, predicted: 0, reference: 0 }])) as AtomCounts;
  c.finding = { tp, predicted, reference };
  return c;
}
const item = (id: string, summary: string, ciderD: number, facts = counts(1, 1, 1)): ItemScore => ({ id, summary, ciderD, facts });

describe('paired comparison', () => {
  it('computes A / B − 1 on CIDEr-D and A − B on fact F1 by hand', () => {
    const a = [item('1', 'x', 1, counts(2, 2, 2)), item('2', 'y', 2, counts(1, 2, 2)), item('3', 'z', 3, counts(2, 2, 2))];
    const b = [item('3', 'z', 1, counts(2, 2, 2)), item('2', 'w', 1, counts(0, 2, 2)), item('1', 'x', 1, counts(2, 2, 2))];
    const p = pairedComparison(a, b);
    expect(p).toMatchObject({ n: 3, differ: 1 });
    // CIDEr-D: mean 2 against mean 1, so +100 %.
    expect(p.ciderD.a).toBe(2);
    expect(p.ciderD.b).toBe(1);
    expect(p.ciderD.difference.value).toBeCloseTo(1, 12);
    expect(p.ciderD.relative.value).toBeCloseTo(1, 12);
    // Facts: A 5 of 6 predicted right and 5 of 6 found (F1 5/6), B 4 of 6 (F1 4/6): +1/6.
    expect(p.factF1.a).toBeCloseTo(5 / 6, 12);
    expect(p.factF1.b).toBeCloseTo(4 / 6, 12);
    expect(p.factF1.difference.value).toBeCloseTo(1 / 6, 12);
  });

  it('identical results differ by exactly zero, interval included', () => {
    const a = Array.from({ length: 20 }, (_, i) => item(String(i), `s${i}`, i % 5));
    const p = pairedComparison(a, a);
    expect(p.differ).toBe(0);
    expect([p.ciderD.difference.low, p.ciderD.difference.value, p.ciderD.difference.high]).toEqual([0, 0, 0]);
    expect([p.factF1.difference.low, p.factF1.difference.high]).toEqual([0, 0]);
  });

  it('a small gain on every study is clear paired, though far inside each model\'s own spread', () => {
    // Scores vary 0.5–5 from study to study; A is B + 0.05 everywhere (about +2 %).
    const b = Array.from({ length: 60 }, (_, i) => item(String(i), 'b', 0.5 + ((i * 37) % 46) / 10));
    const a = b.map((s) => ({ ...s, summary: 'a', ciderD: s.ciderD + 0.05 }));
    const p = pairedComparison(a, b);
    expect(p.differ).toBe(60);
    expect(p.ciderD.relative.low).toBeGreaterThan(0);
    expect(p.ciderD.relative.high).toBeLessThan(0.05);
  });

  it('also compares CIDEr-D over the studies with a finding, when both results say which those are', () => {
    const a = [{ ...item('1', 'x', 4), findings: 0 }, { ...item('2', 'y', 2), findings: 1 }, { ...item('3', 'z', 3), findings: 2 }];
    const b = [{ ...item('1', 'w', 1), findings: 0 }, { ...item('2', 'y', 1), findings: 1 }, { ...item('3', 'z', 3), findings: 2 }];
    const p = pairedComparison(a, b);
    // All three: 3 against 5/3; studies 2 and 3 only: 2.5 against 2, so +0.5, +25 %.
    expect(p.ciderD.relative.value).toBeCloseTo(3 / (5 / 3) - 1, 12);
    expect(p.ciderDWithFindings).toMatchObject({ n: 2, a: 2.5, b: 2 });
    expect(p.ciderDWithFindings!.difference.value).toBeCloseTo(0.5, 12);
    expect(p.ciderDWithFindings!.relative.value).toBeCloseTo(0.25, 12);
    // A result stored before the count existed: no such row.
    expect(pairedComparison(a, b.map(({ findings: _f, ...rest }) => rest)).ciderDWithFindings).toBeUndefined();
  });

  it('refuses results of different test sets', () => {
    expect(() => pairedComparison([item('1', 'x', 1)], [item('2', 'x', 1)])).toThrow(/same test set/);
    expect(() => pairedComparison([item('1', 'x', 1)], [item('1', 'x', 1), item('2', 'x', 1)])).toThrow(/1 and 2 studies/);
  });
});
