/**
 * Diversity and repetition of generated summaries (token lists), the measures adversarial training is
 * meant to move:
 *   distinct-n  = distinct n-grams over all summaries / all n-grams (Li et al., 2016);
 *   seq-rep-n   = mean over summaries of 1 − distinct n-grams / n-grams within the summary
 *                 (Welleck et al., 2020): 0 when no summary repeats an n-gram of its own.
 */

function ngrams(tokens: readonly string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join('\u0001'));
  return out;
}

export function distinctN(summaries: readonly (readonly string[])[], n: number): number {
  const all = summaries.flatMap((s) => ngrams(s, n));
  return all.length ? new Set(all).size / all.length : 0;
}

export function seqRepN(summaries: readonly (readonly string[])[], n: number): number {
  const per = summaries.map((s) => ngrams(s, n)).filter((g) => g.length > 0);
  if (per.length === 0) return 0;
  return per.reduce((sum, g) => sum + (1 - new Set(g).size / g.length), 0) / per.length;
}

export interface Diversity {
  distinct1: number;
  distinct2: number;
  seqRep4: number;
}

export function diversity(summaries: readonly (readonly string[])[]): Diversity {
  return { distinct1: distinctN(summaries, 1), distinct2: distinctN(summaries, 2), seqRep4: seqRepN(summaries, 4) };
}
