/** n-gram counting shared by BLEU and CIDEr-D: keys are the tokens joined with a separator no token holds. */

const SEP = '\u0001';

/** Counts of every n-gram, 1 ≤ n ≤ maxN, keyed "n|t1␁t2…" so that equal n-grams of any order never collide. */
export function ngramCounts(tokens: readonly string[], maxN: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = `${n}|${tokens.slice(i, i + n).join(SEP)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The order n of a key made by ngramCounts. */
export function ngramOrder(key: string): number {
  return Number.parseInt(key, 10);
}
