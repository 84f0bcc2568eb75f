/**
 * METEOR with exact matching only: the English stem, synonym and paraphrase tables do not apply to
 * Chinese, so only identical tokens align. Parameters are the original METEOR's (Banerjee & Lavie 2005;
 * Lavie & Agarwal 2007): α = 0.9, β = 3, γ = 0.5:
 *   P = m / |hyp|, R = m / |ref|, F = P·R / (α·P + (1 − α)·R),
 *   penalty = γ · (chunks / m)^β, score = F · (1 − penalty);
 * with several references, the best score.
 */

export const METEOR_PARAMS = { alpha: 0.9, beta: 3, gamma: 0.5 } as const;

/**
 * Aligns hypothesis tokens to reference positions: the longest common run of still-free tokens first,
 * then the next longest, until nothing equal is left. That reaches the most matches (every equal pair is
 * at least a run of one) with few chunks. Returns matches and chunks.
 */
export function align(hyp: readonly string[], ref: readonly string[]): { matches: number; chunks: number } {
  const usedH = new Array<boolean>(hyp.length).fill(false);
  const usedR = new Array<boolean>(ref.length).fill(false);
  const pairs: [number, number][] = [];
  for (;;) {
    let best = { length: 0, i: 0, j: 0 };
    for (let i = 0; i < hyp.length; i++) {
      for (let j = 0; j < ref.length; j++) {
        let length = 0;
        while (i + length < hyp.length && j + length < ref.length && !usedH[i + length] && !usedR[j + length] && hyp[i + length] === ref[j + length]) length++;
        if (length > best.length) best = { length, i, j };
      }
    }
    if (best.length === 0) break;
    for (let k = 0; k < best.length; k++) {
      usedH[best.i + k] = usedR[best.j + k] = true;
      pairs.push([best.i + k, best.j + k]);
    }
  }
  pairs.sort((a, b) => a[0] - b[0]);
  // A chunk is a run of matches adjacent in both the hypothesis and the reference.
  let chunks = 0;
  pairs.forEach(([i, j], k) => {
    const prev = pairs[k - 1];
    if (!prev || prev[0] !== i - 1 || prev[1] !== j - 1) chunks++;
  });
  return { matches: pairs.length, chunks };
}

export function meteorSingle(hyp: readonly string[], ref: readonly string[], p = METEOR_PARAMS): number {
  const { matches, chunks } = align(hyp, ref);
  if (matches === 0) return 0;
  const precision = matches / hyp.length;
  const recall = matches / ref.length;
  const fmean = (precision * recall) / (p.alpha * precision + (1 - p.alpha) * recall);
  const penalty = p.gamma * (chunks / matches) ** p.beta;
  return fmean * (1 - penalty);
}

export function meteor(hyp: readonly string[], refs: readonly (readonly string[])[]): number {
  return Math.max(0, ...refs.map((r) => meteorSingle(hyp, r)));
}
