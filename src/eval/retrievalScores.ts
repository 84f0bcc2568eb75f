/**
 * Retrieval scores: for each query study, a ranked list of passages; a passage is relevant when it
 * shares a finding type and location with one of the study's true facts (for a normal study: a passage
 * about a normal study). Recall@k = share of queries with a relevant passage in the top k; MRR = mean of
 * 1 / rank of the first relevant passage (0 if none is ranked).
 */
import type { Passage } from '../corpus/passages.ts';
import type { Fact } from '../corpus/schema.ts';

export function isRelevant(passage: Pick<Passage, 'findingTypes' | 'locations'>, facts: readonly Fact[]): boolean {
  return facts.some((f) =>
    f.finding === 'normal' ? passage.findingTypes.includes('normal') : passage.findingTypes.includes(f.finding) && f.location !== undefined && passage.locations.includes(f.location),
  );
}

/** Rank (1-based) of the first relevant passage, or 0 if none of the ranked ones is relevant. */
export function firstRelevantRank(ranked: readonly Pick<Passage, 'findingTypes' | 'locations'>[], facts: readonly Fact[]): number {
  const i = ranked.findIndex((p) => isRelevant(p, facts));
  return i < 0 ? 0 : i + 1;
}

export function recallAt(ranks: readonly number[], k: number): number {
  return ranks.length ? ranks.filter((r) => r > 0 && r <= k).length / ranks.length : Number.NaN;
}

export function meanReciprocalRank(ranks: readonly number[]): number {
  return ranks.length ? ranks.reduce((a, r) => a + (r > 0 ? 1 / r : 0), 0) / ranks.length : Number.NaN;
}
