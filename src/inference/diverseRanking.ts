/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998) over the retrieved passages: each next passage
 * maximises λ · score(q, p) − (1 − λ) · max over the passages already taken of sim(p, p'). The passage
 * pool holds each training study's summary and findings text, and studies alike in their words, so the
 * plain inner-product order often gives the same study, or the same lobe, three to five times — also
 * where the input text does not say the lobe, and the image is the only, uncertain, witness.
 */

/** MMR re-ranks this many of the best-scoring passages. */
export const MMR_POOL = 50;

/** The inner product of rows a and b of a row-major [N, dim] array: two index vectors' similarity. */
export function rowInnerProduct(vectors: ArrayLike<number>, dim: number): (a: number, b: number) => number {
  return (a, b) => {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += vectors[a * dim + d]! * vectors[b * dim + d]!;
    return sum;
  };
}

/**
 * The first `count` passages in MMR order, re-ranked from the `pool` best by score. `similarity(a, b)`:
 * two passages' inner product. λ = 1 is the plain order by score.
 */
export function diverseOrder(scores: ArrayLike<number>, similarity: (a: number, b: number) => number, lambda: number, pool: number, count: number): number[] {
  if (!(lambda >= 0 && lambda <= 1)) throw new Error(`the MMR weight λ must lie in [0, 1], not ${lambda}`);
  const left = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!).slice(0, Math.max(pool, count));
  const chosen: number[] = [];
  // Each candidate's largest similarity to a chosen passage, updated as passages are chosen.
  const redundancy = new Map(left.map((i) => [i, -Infinity]));
  while (chosen.length < count && left.length > 0) {
    let best = 0;
    let bestValue = -Infinity;
    left.forEach((i, at) => {
      const value = lambda * scores[i]! - (1 - lambda) * (chosen.length ? redundancy.get(i)! : 0);
      if (value > bestValue) [best, bestValue] = [at, value];
    });
    const [taken] = left.splice(best, 1);
    chosen.push(taken!);
    for (const i of left) redundancy.set(i, Math.max(redundancy.get(i)!, similarity(i, taken!)));
  }
  return chosen;
}
