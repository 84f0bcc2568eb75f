/**
 * Which sentence of the input text each summary item restates, so that copy supervision can keep an
 * item's side, lobe and size inside one clause. Without it a lobe character is aligned with every "下叶"
 * of the text, and the decoder is taught to take one finding's lobe from another's sentence — the binding
 * errors ("左肺下叶" for a right-lung finding) that most of the multi-finding studies' lost facts are.
 *
 * Items are the summary's sentences, the input text's sentences likewise (each up to and with its "。").
 * An item and a sentence score the distinct word tokens they share, each weighted by 1 / the number of
 * input sentences that hold it: a token every sentence has ("肺") says little, one only this sentence
 * has ("下" where the other findings are in the upper and middle lobes) a lot. Pairs are taken best
 * first, each item and each sentence at most once; an item whose best score is under `MIN_SCORE` is
 * left unaligned. Works on any tokenized text, not just the corpus.
 */

import { SENTENCE_END, sentenceSpans } from '../text/sentences.ts';

/**
 * Below this an item shares too little with any sentence to say which it restates. Measured on 600
 * corpus studies (732 items; `scratch/` diagnostic): at 3, 9 items of findings the text leaves out were
 * aligned with some other sentence and 37 items were left unaligned, mostly emphysema, whose summary
 * wording ("肺气肿") shares no characters with the text's ("透亮度增加"); at 1, 42 and 0; at 5, 1 and 88.
 */
export const MIN_SCORE = 3;


/** Word tokens of a span (WordPiece "##" stripped; punctuation and other symbols left out). */
function words(tokens: readonly string[], [from, to]: [number, number]): Set<string> {
  const out = new Set<string>();
  for (let i = from; i < to; i++) {
    const w = tokens[i]!.replace(/^##/, '');
    if (/[\p{L}\p{N}]/u.test(w)) out.add(w);
  }
  return out;
}

/**
 * Which input sentence a span from `alignItems` is, counted from the input text's start as the decoder's
 * sentence attention counts them (`sentenceMembership`).
 */
export function sentenceIndex(context: readonly string[], inputStart: number, [from]: readonly [number, number]): number {
  return sentenceSpans(context, SENTENCE_END, inputStart).findIndex(([start]) => start === from);
}

/**
 * Per summary token: the [from, to) span of context positions of the input sentence its item restates,
 * or undefined. `context` is the passages' tokens, then the input text's from `inputStart` on.
 */
export function alignItems(summary: readonly string[], context: readonly string[], inputStart: number): ([number, number] | undefined)[] {
  const items = sentenceSpans(summary, SENTENCE_END);
  const spans = sentenceSpans(context, SENTENCE_END, inputStart);
  const held = spans.map((s) => words(context, s));
  const share = new Map<string, number>();
  for (const set of held) for (const w of set) share.set(w, (share.get(w) ?? 0) + 1);
  const pairs = items.flatMap((item, i) => {
    const mine = words(summary, item);
    return held.map((set, s) => ({ i, s, score: [...mine].reduce((a, w) => a + (set.has(w) ? 1 / share.get(w)! : 0), 0) }));
  });
  pairs.sort((a, b) => b.score - a.score || a.i - b.i || a.s - b.s);
  const itemSpan: ([number, number] | undefined)[] = items.map(() => undefined);
  const taken = new Set<number>();
  for (const { i, s, score } of pairs) {
    if (score < MIN_SCORE) break;
    if (itemSpan[i] || taken.has(s)) continue;
    itemSpan[i] = spans[s];
    taken.add(s);
  }
  const out: ([number, number] | undefined)[] = [];
  items.forEach(([from, to], i) => {
    for (let y = from; y < to; y++) out.push(itemSpan[i]);
  });
  return out;
}
