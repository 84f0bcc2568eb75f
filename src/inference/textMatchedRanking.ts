/**
 * Passages that match the findings the input text names rank higher. The retriever's query mixes the image
 * and the text into one vector, and a passage about the same finding at the same place is often not among its
 * first five where the text names it (seed 777: 22 of its 41 misses at R@5; docs/experiments.md, "Where R@5 is
 * lost"). A hybrid of the dense score and a match on the text's own words: each passage's score gains λ for
 * every (type, place) the text names that its findings hold.
 */
import type { Passage } from '../corpus/passages.ts';
import { describedFinding } from '../corpus/factExtractor.ts';
import { sentenceSpans, SENTENCE_END } from '../text/sentences.ts';

/** A finding the text names, with its place where the sentence gives one. */
export type NamedFinding = NonNullable<ReturnType<typeof describedFinding>>;

/** The findings a text's sentences describe, each with the place it names (`describedFinding`). */
export function namedFindings(text: string): NamedFinding[] {
  const chars = [...text];
  return sentenceSpans(chars, SENTENCE_END).flatMap(([from, to]) => {
    const found = describedFinding(chars.slice(from, to).join(''));
    return found ? [found] : [];
  });
}

/** How many of `named` a passage holds: its findings include the type, and its places the place (where one is named). */
export function matchCount(passage: Pick<Passage, 'findingTypes' | 'locations'>, named: readonly NamedFinding[]): number {
  return named.filter((f) => passage.findingTypes.includes(f.type) && (f.place === undefined || passage.locations.includes(f.place))).length;
}

/** The passages' scores, each raised by λ × its `matchCount`. */
export function textMatchedScores(scores: Float32Array, passages: readonly Pick<Passage, 'findingTypes' | 'locations'>[], named: readonly NamedFinding[], lambda: number): Float32Array {
  if (!named.length) return scores;
  return scores.map((s, i) => s + lambda * matchCount(passages[i]!, named));
}
