/**
 * Sentences of a token row — token strings, or ids for the decoder — as the decoder's sentence attention
 * counts them (`sentenceMembership` in fusionDecoder.ts), the training's item alignment pairs them, and the
 * page outlines them: each runs up to and with its end token ("。"); a last part without one is a sentence too.
 */

/** Ends a sentence: the token whose id the decoder's sentence attention is configured with (`endId`). */
export const SENTENCE_END = '。';

/** [from, to) spans of the sentences in tokens[start, end), each ended by `endToken`. */
export function sentenceSpans<T>(tokens: readonly T[], endToken: T, start = 0, end = tokens.length): [number, number][] {
  const out: [number, number][] = [];
  let from = start;
  for (let i = start; i < end; i++) {
    if (tokens[i] === endToken) {
      out.push([from, i + 1]);
      from = i + 1;
    }
  }
  if (from < end) out.push([from, end]);
  return out;
}

/**
 * The sentence a sentence attention weighs most among the first `count` (the sentences there are; later
 * weights are padding), or −1 when there is none.
 */
export function attendedSentence(weights: ArrayLike<number> | undefined, count = weights?.length ?? 0): number {
  const n = Math.min(count, weights?.length ?? 0);
  let best = -1;
  for (let k = 0; k < n; k++) if (best < 0 || weights![k]! > weights![best]!) best = k;
  return best;
}
