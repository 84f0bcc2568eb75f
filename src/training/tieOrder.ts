/**
 * The corpus's summaries list findings most urgent first (`summaryFacts`), and equally urgent ones in the
 * order of the study's findings, which the input text does not show: its sentences are shuffled. Taught
 * that order, the decoder's sentence attention cannot tell which of two such sentences an item restates,
 * and it learns to split itself between them, so one item covers both sentences and the second finding is
 * never written (v20: two emphysema sentences at about 0.5 each while the one item is written). This
 * rewrites a training summary so that each run of equally urgent items follows the order of the input
 * sentences they restate (`alignItems`); a run with an item it cannot align stays as it is. Corpus data
 * only: the urgency comes from the corpus's rules.
 */
import { ADVICE_RANK } from '../corpus/rules.ts';
import type { Fact } from '../corpus/schema.ts';
import { SENTENCE_END, sentenceSpans } from '../text/sentences.ts';
import { alignItems } from './itemAlignment.ts';

/** A numbered item's "1、". */
const NUMBER = /^\d+、/;

export function tiesInTextOrder(summary: string, facts: readonly Fact[], text: string, tokens: (s: string) => string[]): string {
  // Items are the summary's sentences, cut by the one rule the decoder and the item alignment use.
  const chars = [...summary];
  const items = sentenceSpans(chars, SENTENCE_END).map(([from, to]) => chars.slice(from, to).join(''));
  if (items.length < 2 || items.length !== facts.length || !items.every((item) => NUMBER.test(item))) return summary;
  const summaryTokens = tokens(summary);
  const spans = sentenceSpans(summaryTokens, SENTENCE_END);
  if (spans.length !== items.length) return summary;
  const aligned = alignItems(summaryTokens, tokens(text), 0);
  const place = spans.map(([from]) => aligned[from]?.[0]);
  const order = items.map((_, i) => i);
  for (let start = 0; start < items.length; ) {
    let end = start + 1;
    while (end < items.length && ADVICE_RANK[facts[end]!.advice] === ADVICE_RANK[facts[start]!.advice]) end++;
    const run = order.slice(start, end);
    if (run.every((i) => place[i] !== undefined)) order.splice(start, run.length, ...run.sort((a, b) => place[a]! - place[b]!));
    start = end;
  }
  return order.map((i, k) => items[i]!.replace(NUMBER, `${k + 1}、`)).join('');
}
