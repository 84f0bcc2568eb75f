/**
 * Paired comparison of two models on the same test studies. Each model's own bootstrap interval is wide
 * (a 93-study split: CIDEr-D ±20 %), but most of that width is which studies were drawn, and both models
 * saw the same ones: resampling the studies once for both and taking the difference each time cancels it,
 * so a small but consistent difference shows, and one that is only noise does not.
 */
import { bootstrap, mean, type Interval } from './bootstrap.ts';
import { factScores, type AtomCounts } from './factScores.ts';

/** One study's result as a record keeps it for comparisons: its summary, CIDEr-D (characters) and fact counts. */
export interface ItemScore {
  id: string;
  summary: string;
  ciderD: number;
  facts: AtomCounts;
  /** How many findings (other than "normal") the reference has; absent in results stored before it existed. */
  findings?: number;
}

export interface PairedComparison {
  n: number;
  /** Studies whose summaries differ between the two models. */
  differ: number;
  /** Corpus CIDEr-D of A and of B, A − B with its paired interval, and that difference as a fraction of B. */
  ciderD: { a: number; b: number; difference: Interval; relative: Interval };
  /** Fact F1 of A and of B, and A − B with its paired interval. */
  factF1: { a: number; b: number; difference: Interval };
  /**
   * CIDEr-D as above over the studies with a finding only, where both results say which those are. A normal
   * study's reference is one of a few equivalent phrases drawn at random, which no input predicts, and CIDEr-D
   * rewards them unequally: a decoder's favourite phrase moves the whole score (docs/experiments.md, v29).
   */
  ciderDWithFindings?: { n: number; a: number; b: number; difference: Interval; relative: Interval };
}

/** A against B, studies matched by id (both must hold the same studies). */
export function pairedComparison(a: readonly ItemScore[], b: readonly ItemScore[], options: { resamples?: number; seed?: number } = {}): PairedComparison {
  const byId = new Map(b.map((s) => [s.id, s]));
  const pairs = a.map((s) => {
    const other = byId.get(s.id);
    if (!other) throw new Error(`study ${s.id} is in one result and not in the other: compare results of the same test set`);
    return [s, other] as const;
  });
  if (pairs.length !== b.length) throw new Error(`the results hold ${a.length} and ${b.length} studies: compare results of the same test set`);
  const indices = pairs.map((_, i) => i);
  const cider = (side: 0 | 1, sample: readonly number[]) => mean(sample.map((i) => pairs[i]![side].ciderD));
  const f1 = (side: 0 | 1, sample: readonly number[]) => factScores(sample.map((i) => pairs[i]![side].facts)).all.f1;
  /** CIDEr-D of A and B over these studies, A − B with its interval, and that as a fraction of B. */
  const ciderOver = (studies: number[]) => {
    const b0 = cider(1, studies);
    const difference = bootstrap(studies, (s) => cider(0, s) - cider(1, s), options);
    return { a: cider(0, studies), b: b0, difference, relative: { value: difference.value / b0, low: difference.low / b0, high: difference.high / b0 } };
  };
  const known = pairs.every(([x, y]) => x.findings !== undefined && y.findings !== undefined);
  const withFindings = indices.filter((i) => (pairs[i]![0].findings ?? 0) > 0);
  return {
    n: pairs.length,
    differ: pairs.filter(([x, y]) => x.summary !== y.summary).length,
    ciderD: ciderOver(indices),
    factF1: { a: f1(0, indices), b: f1(1, indices), difference: bootstrap(indices, (s) => f1(0, s) - f1(1, s), options) },
    ...(known && withFindings.length > 0 ? { ciderDWithFindings: { n: withFindings.length, ...ciderOver(withFindings) } } : {}),
  };
}
