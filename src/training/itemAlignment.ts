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
 *
 * An item can restate its sentence in other words: the corpus's "肺气肿" for the text's "透亮度增加"
 * shares nothing but side and lobe, and 56 of the 86 emphysema items of the training split were left
 * unaligned, so the decoder learnt that an emphysema sentence is rarely restated. Given `Rewordings`
 * (learnt from a dataset's own aligned pairs, `learnRewordings`), a second pass over the items and
 * sentences left over also counts the sentence words that the item's words stand for. That pass keeps
 * away from the other kind of leftover item, a finding the text never had: such an item carries a size
 * read from the image, so it is not paired with a sentence that lacks any of its numbers.
 */

import { SENTENCE_END, sentenceSpans } from '../text/sentences.ts';

/**
 * Below this an item shares too little with any sentence to say which it restates. Measured on 600
 * corpus studies (732 items; `scratch/` diagnostic): at 3, 9 items of findings the text leaves out were
 * aligned with some other sentence and 37 items were left unaligned, mostly emphysema, whose summary
 * wording ("肺气肿") shares no characters with the text's ("透亮度增加"); at 1, 42 and 0; at 5, 1 and 88.
 */
export const MIN_SCORE = 3;

/** Per item word: the sentence words it stands for. */
export type Rewordings = ReadonlyMap<string, ReadonlySet<string>>;

/** An item word stands for a sentence word when ... */
const REWORDING = {
  /** ... it is in at least this many aligned items (fewer say nothing), */
  minItems: 10,
  /** ... at least this share of their sentences hold the sentence word, */
  minShare: 0.9,
  /** ... and that share is at least this many times the word's share among all aligned sentences. */
  minLift: 4,
};

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
 * The numbers of a span, a digit token and the "##" digits after it read as one ("1 ##2" is 12); an
 * item's own number ("2、") is not one of them.
 */
function numbers(tokens: readonly string[], [from, to]: [number, number]): string[] {
  const out: string[] = [];
  let run = '';
  for (let i = from; i < to; i++) {
    const t = tokens[i]!;
    if (run && /^##\d+$/.test(t)) run += t.slice(2);
    else {
      if (run && t !== '、') out.push(run);
      run = /^\d+$/.test(t) ? t : '';
    }
  }
  if (run) out.push(run);
  return out;
}

interface Alignment {
  items: [number, number][];
  spans: [number, number][];
  /** Per item: the index into `spans` of its sentence, or undefined. */
  sentenceOf: (number | undefined)[];
}

function align(summary: readonly string[], context: readonly string[], inputStart: number, rewordings?: Rewordings): Alignment {
  const items = sentenceSpans(summary, SENTENCE_END);
  const spans = sentenceSpans(context, SENTENCE_END, inputStart);
  const held = spans.map((s) => words(context, s));
  const share = new Map<string, number>();
  for (const set of held) for (const w of set) share.set(w, (share.get(w) ?? 0) + 1);
  const score = (mine: ReadonlySet<string>, set: ReadonlySet<string>) => [...mine].reduce((a, w) => a + (set.has(w) ? 1 / share.get(w)! : 0), 0);
  const sentenceOf: (number | undefined)[] = items.map(() => undefined);
  const taken = new Set<number>();
  /** One greedy pass over the items and sentences not yet paired, best score first. */
  const pass = (scoreOf: (i: number, s: number) => number) => {
    const pairs = items.flatMap((_, i) => (sentenceOf[i] !== undefined ? [] : held.flatMap((_, s) => (taken.has(s) ? [] : [{ i, s, score: scoreOf(i, s) }]))));
    pairs.sort((a, b) => b.score - a.score || a.i - b.i || a.s - b.s);
    for (const { i, s, score } of pairs) {
      if (score < MIN_SCORE) break;
      if (sentenceOf[i] !== undefined || taken.has(s)) continue;
      sentenceOf[i] = s;
      taken.add(s);
    }
  };
  const itemWords = items.map((item) => words(summary, item));
  pass((i, s) => score(itemWords[i]!, held[s]!));
  if (rewordings) {
    const itemNumbers = items.map((item) => numbers(summary, item));
    const sentenceNumbers = spans.map((s) => new Set(numbers(context, s)));
    const widened = itemWords.map((mine) => new Set([...mine, ...[...mine].flatMap((w) => [...(rewordings.get(w) ?? [])])]));
    pass((i, s) => (itemNumbers[i]!.every((n) => sentenceNumbers[s]!.has(n)) ? score(widened[i]!, held[s]!) : 0));
  }
  return { items, spans, sentenceOf };
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
export function alignItems(summary: readonly string[], context: readonly string[], inputStart: number, rewordings?: Rewordings): ([number, number] | undefined)[] {
  const { items, spans, sentenceOf } = align(summary, context, inputStart, rewordings);
  const out: ([number, number] | undefined)[] = [];
  items.forEach(([from, to], i) => {
    const s = sentenceOf[i];
    for (let y = from; y < to; y++) out.push(s === undefined ? undefined : spans[s]);
  });
  return out;
}

/**
 * The rewordings of a dataset, from its items and sentences aligned on shared words alone: an item word
 * stands for the sentence words that nearly every sentence its items restate holds, and few other
 * sentences do (`REWORDING`).
 */
export function learnRewordings(studies: Iterable<{ summary: readonly string[]; context: readonly string[]; inputStart: number }>): Rewordings {
  let pairs = 0;
  const itemCount = new Map<string, number>();
  const sentenceCount = new Map<string, number>();
  const together = new Map<string, Map<string, number>>();
  const add = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const { summary, context, inputStart } of studies) {
    const { items, spans, sentenceOf } = align(summary, context, inputStart);
    items.forEach((item, i) => {
      const s = sentenceOf[i];
      if (s === undefined) return;
      pairs++;
      const sentence = words(context, spans[s]!);
      for (const v of sentence) add(sentenceCount, v);
      for (const w of words(summary, item)) {
        add(itemCount, w);
        const row = together.get(w) ?? together.set(w, new Map()).get(w)!;
        for (const v of sentence) add(row, v);
      }
    });
  }
  const out = new Map<string, Set<string>>();
  for (const [w, n] of itemCount) {
    if (n < REWORDING.minItems) continue;
    const stands = [...together.get(w)!].filter(([v, c]) => c / n >= REWORDING.minShare && c / n >= (REWORDING.minLift * sentenceCount.get(v)!) / pairs).map(([v]) => v);
    if (stands.length) out.set(w, new Set(stands));
  }
  return out;
}
