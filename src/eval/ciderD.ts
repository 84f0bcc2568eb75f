/**
 * CIDEr-D as the reference code computes it (ciderD_scorer.py): TF-IDF vectors of 1- to 4-grams,
 * document frequencies from the references (one count per item), the hypothesis's weights clipped to the
 * reference's, a Gaussian length penalty (σ = 6) and × 10, averaged over orders and references.
 * Quirk kept on purpose: the reference code's "length" counts bigrams, not words.
 * Frequencies can also come precomputed from a reference corpus, so that one summary alone (in the
 * browser) gets a meaningful score.
 */
import { ngramCounts, ngramOrder } from './ngrams.ts';

const N = 4;
const SIGMA = 6;

export interface DocumentFrequencies {
  /** In how many items' reference sets each n-gram occurs. */
  df: Map<string, number>;
  /** log(number of items the frequencies were counted over). */
  logDocs: number;
}

export function documentFrequencies(refSets: readonly (readonly (readonly string[])[])[]): DocumentFrequencies {
  const df = new Map<string, number>();
  for (const refs of refSets) {
    const seen = new Set<string>();
    for (const ref of refs) for (const k of ngramCounts(ref, N).keys()) seen.add(k);
    for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1);
  }
  return { df, logDocs: Math.log(refSets.length) };
}

interface TfIdf {
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

function tfidf(tokens: readonly string[], freq: DocumentFrequencies): TfIdf {
  const vec = Array.from({ length: N }, () => new Map<string, number>());
  const norm = new Array<number>(N).fill(0);
  let length = 0;
  for (const [k, tf] of ngramCounts(tokens, N)) {
    const n = ngramOrder(k) - 1;
    const w = tf * (freq.logDocs - Math.log(Math.max(1, freq.df.get(k) ?? 0)));
    vec[n]!.set(k, w);
    norm[n]! += w * w;
    if (n === 1) length += tf; // the reference code's length: bigram count
  }
  return { vec, norm: norm.map(Math.sqrt), length };
}

function similarity(h: TfIdf, r: TfIdf): number[] {
  const delta = h.length - r.length;
  return h.vec.map((hv, n) => {
    let value = 0;
    for (const [k, w] of hv) {
      const rw = r.vec[n]!.get(k) ?? 0;
      value += Math.min(w, rw) * rw;
    }
    if (h.norm[n] !== 0 && r.norm[n] !== 0) value /= h.norm[n]! * r.norm[n]!;
    return value * Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
  });
}

/** One item's CIDEr-D. */
export function ciderDItem(hyp: readonly string[], refs: readonly (readonly string[])[], freq: DocumentFrequencies): number {
  const h = tfidf(hyp, freq);
  const total = new Array<number>(N).fill(0);
  for (const ref of refs) similarity(h, tfidf(ref, freq)).forEach((v, n) => (total[n]! += v));
  const mean = total.reduce((a, b) => a + b, 0) / N;
  return (mean / refs.length) * 10;
}

/** Every item's CIDEr-D and their mean; frequencies from the items' own references unless given. */
export function ciderD(items: readonly { hyp: readonly string[]; refs: readonly (readonly string[])[] }[], freq = documentFrequencies(items.map((i) => i.refs))): { corpus: number; perItem: number[] } {
  const perItem = items.map((it) => ciderDItem(it.hyp, it.refs, freq));
  return { corpus: perItem.reduce((a, b) => a + b, 0) / Math.max(1, perItem.length), perItem };
}
