/**
 * Where each summary token was copied from, for supervising the decoder's text attention: a summary token
 * counts as copied from a context token with the same id whose left or right neighbour also matches the
 * summary token's (so "3 ##1 ##mm" aligns with the text's "31mm", but a lone "，" aligns with nothing).
 * The study's input text comes first: only a token found nowhere in it is looked for in the retrieved
 * passages — the wording of an advice or an impression that a passage about a similar finding carries
 * (without that fallback, v4's attention learnt to stay on the input text and its advice F1 fell from 60 to
 * 44). Tokens that match nowhere, or at more than `maxSources` places of the part where they are found
 * (too common to say where they came from), get no sources. Works on any tokenized data, not just the corpus.
 *
 * With `sentenceEnds` (the ids that end a sentence, "。"), each summary sentence — one item of a
 * multi-finding impression — is first matched to the input sentence it was written from, and its tokens
 * keep only their places in that sentence. Without it, the "右肺" of an item about the upper-lobe nodule also
 * pointed at the "右肺" of the lower-lobe mass: a third of the supervised tokens of multi-finding training
 * studies had places in two or more sentences, teaching the attention to read one item from several clauses.
 */

export interface CopySourceOptions {
  /** Token ids that end a sentence; none: no sentence matching. */
  sentenceEnds?: ReadonlySet<number>;
  /** Tokens with more places than this get none (default 4). */
  maxSources?: number;
}

/** Positions in context[from, to) of summary token y with a matching neighbour inside that span. */
function matches(summaryIds: readonly number[], y: number, contextIds: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = from; j < to; j++) {
    if (contextIds[j] !== summaryIds[y]) continue;
    const left = y > 0 && j > from && contextIds[j - 1] === summaryIds[y - 1];
    const right = y + 1 < summaryIds.length && j + 1 < to && contextIds[j + 1] === summaryIds[y + 1];
    if (left || right) out.push(j);
  }
  return out;
}

/** The sentence number of each position in ids[from, to): a sentence ends after each end token. */
function sentenceNumbers(ids: readonly number[], from: number, to: number, ends: ReadonlySet<number>): number[] {
  const out: number[] = [];
  let s = 0;
  for (let j = from; j < to; j++) {
    out.push(s);
    if (ends.has(ids[j]!)) s++;
  }
  return out;
}

/**
 * The input sentence a summary sentence was written from: each of its tokens votes for the sentences its
 * places lie in, 1 / (number of those sentences) each, so a size found once outweighs a side found
 * everywhere. −1 when no sentence leads alone.
 */
function sourceSentence(places: number[][], sentenceOf: (j: number) => number): number {
  const votes = new Map<number, number>();
  for (const p of places) {
    const sentences = new Set(p.map(sentenceOf));
    for (const s of sentences) votes.set(s, (votes.get(s) ?? 0) + 1 / sentences.size);
  }
  const ranked = [...votes].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[1]![1] === ranked[0]![1])) return -1;
  return ranked[0]![0];
}

/** Per target token (the summary's tokens, then EOS): the context positions it was copied from. */
export function copySources(summaryIds: readonly number[], contextIds: readonly number[], inputStart: number, options: CopySourceOptions = {}): number[][] {
  const { sentenceEnds, maxSources = 4 } = options;
  const inText = summaryIds.map((_, y) => matches(summaryIds, y, contextIds, inputStart, contextIds.length));
  if (sentenceEnds) {
    const textSentence = sentenceNumbers(contextIds, inputStart, contextIds.length, sentenceEnds);
    const sentenceOf = (j: number) => textSentence[j - inputStart]!;
    const summarySentence = sentenceNumbers(summaryIds, 0, summaryIds.length, sentenceEnds);
    for (let s = 0, start = 0; start < summaryIds.length; s++) {
      let end = start;
      while (end < summaryIds.length && summarySentence[end] === s) end++;
      const source = sourceSentence(inText.slice(start, end), sentenceOf);
      for (let y = start; y < end && source >= 0; y++) {
        const inSource = inText[y]!.filter((j) => sentenceOf(j) === source);
        if (inSource.length > 0) inText[y] = inSource;
      }
      start = end;
    }
  }
  const rows = summaryIds.map((_, y) => {
    const found = inText[y]!.length > 0 ? inText[y]! : matches(summaryIds, y, contextIds, 0, inputStart);
    return found.length <= maxSources ? found : [];
  });
  return [...rows, []];
}
