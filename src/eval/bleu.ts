/**
 * BLEU-1..4 exactly as the COCO caption evaluation code computes it (bleu_scorer.py): clipped n-gram
 * counts against the maximum count over references, corpus-level sums, the reference length closest to
 * each hypothesis, brevity penalty exp(1 − r/c), and its smoothing constants (tiny 1e-15 added to
 * matches, small 1e-9 to guesses).
 */
import { ngramCounts, ngramOrder } from './ngrams.ts';

const TINY = 1e-15;
const SMALL = 1e-9;

/** What one item contributes to corpus BLEU. */
export interface BleuStats {
  testLen: number;
  refLen: number;
  guess: number[];
  correct: number[];
}

export function bleuStats(hyp: readonly string[], refs: readonly (readonly string[])[], maxN = 4): BleuStats {
  const maxRef = new Map<string, number>();
  for (const ref of refs) for (const [k, c] of ngramCounts(ref, maxN)) maxRef.set(k, Math.max(maxRef.get(k) ?? 0, c));
  const correct = new Array<number>(maxN).fill(0);
  for (const [k, c] of ngramCounts(hyp, maxN)) correct[ngramOrder(k) - 1]! += Math.min(c, maxRef.get(k) ?? 0);
  const testLen = hyp.length;
  // 'closest': the reference length nearest the hypothesis, the shorter on a tie.
  const refLen = refs.map((r) => r.length).reduce((best, l) => (Math.abs(l - testLen) < Math.abs(best - testLen) || (Math.abs(l - testLen) === Math.abs(best - testLen) && l < best) ? l : best));
  const guess = Array.from({ length: maxN }, (_, k) => Math.max(0, testLen - k));
  return { testLen, refLen, guess, correct };
}

/** BLEU-1..maxN from summed statistics (one item's, or a corpus's). */
export function bleuFromStats(stats: readonly BleuStats[], maxN = 4): number[] {
  let testLen = 0;
  let refLen = 0;
  const guess = new Array<number>(maxN).fill(0);
  const correct = new Array<number>(maxN).fill(0);
  for (const s of stats) {
    testLen += s.testLen;
    refLen += s.refLen;
    for (let k = 0; k < maxN; k++) {
      guess[k]! += s.guess[k]!;
      correct[k]! += s.correct[k]!;
    }
  }
  const scores: number[] = [];
  let product = 1;
  for (let k = 0; k < maxN; k++) {
    product *= (correct[k]! + TINY) / (guess[k]! + SMALL);
    scores.push(product ** (1 / (k + 1)));
  }
  const ratio = (testLen + TINY) / (refLen + SMALL);
  return ratio < 1 ? scores.map((s) => s * Math.exp(1 - 1 / ratio)) : scores;
}

/** Corpus BLEU-1..4 and each item's own (sentence) BLEU, as the reference code reports both. */
export function bleu(items: readonly { hyp: readonly string[]; refs: readonly (readonly string[])[] }[]): { corpus: number[]; perItem: number[][] } {
  const stats = items.map((it) => bleuStats(it.hyp, it.refs));
  return { corpus: bleuFromStats(stats), perItem: stats.map((s) => bleuFromStats([s])) };
}
