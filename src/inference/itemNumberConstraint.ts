/**
 * Numbered items in sequence while decoding. The corpus's summaries of several findings number their items,
 * "1、…。2、…。", and never skip or repeat a number; decoders do both ("1、…。3、…", "…2、…。2、…": 12 of 500
 * of v20's beam summaries on a fresh seed, 7 of 93 on the test split). Once a summary has begun with the
 * first item's number, each later item (after "。") that begins with a number gets the next one; a summary
 * that did not begin with "1、" is left as the model writes it, so a dataset that numbers nothing is not
 * touched. With a minimum item count (the input sentences the model itself rates salient), a numbered
 * summary also does not end before that many items: decoders stop early in multi-finding studies (a
 * three-finding study summarised in two items; docs/experiments.md, "An item per salient sentence").
 */
import { findingDescribed } from '../corpus/factExtractor.ts';

/** What the constraint needs from a tokenizer's vocabulary. */
export interface ItemNumbering {
  /** The token that ends an item ("。"). */
  end: number;
  /** The tokens of item n's number, "n、". */
  marker: (n: number) => readonly number[];
  /** Whether a token begins a number (a digit at the start of a word). */
  beginsNumber: (id: number) => boolean;
}

/** The numbering of `encode`'s tokenizer, whose token strings are `vocab`; undefined when "。" is not one token. */
export function itemNumbering(encode: (text: string) => number[], vocab: readonly string[]): ItemNumbering | undefined {
  const end = encode('。');
  if (end.length !== 1) return undefined;
  const digits = new Set(vocab.flatMap((token, id) => (/^\d/.test(token) ? [id] : [])));
  const markers = new Map<number, number[]>();
  return {
    end: end[0]!,
    beginsNumber: (id) => digits.has(id),
    marker(n) {
      let m = markers.get(n);
      if (!m) markers.set(n, (m = encode(`${n}、`)));
      return m;
    },
  };
}

/**
 * The items a summary owes its input: one per sentence the model rates salient or that describes a finding in
 * the findings text's words (`findingDescribed`; the salience output rates emphysema's "…透亮度增加…" lowest of
 * all). None for a model that rates no sentence (`salient` empty).
 */
export function itemsOwed(salient: readonly boolean[], sentences: readonly string[]): number {
  return salient.filter((rated, k) => rated || (sentences[k] !== undefined && findingDescribed(sentences[k]) !== undefined)).length;
}

const startsWith = (tokens: readonly number[], from: number, marker: readonly number[]) => marker.every((t, i) => tokens[from + i] === t);

/** Whether `prefix` ends with an item's number: its last item so far is "n、", n at most the items begun. */
export function endsWithNumber(numbering: ItemNumbering, prefix: readonly number[]): boolean {
  const start = prefix.lastIndexOf(numbering.end) + 1;
  const items = prefix.filter((id) => id === numbering.end).length + 1;
  return Array.from({ length: items }, (_, i) => numbering.marker(i + 1)).some((m) => m.length === prefix.length - start && startsWith(prefix, start, m));
}

/**
 * The next-token probabilities after `prefix` (the summary's tokens so far, without BOS), item numbers put
 * in sequence. At the start of a later item of a numbered summary, the model's probability of beginning a
 * number (any number: where it would skip or repeat one, it is starting an item) goes to the next number's
 * first token; inside that number, its next token is certain. With `atLeast`, while fewer than that many
 * items are written, every token's probability there (the end's too) goes to the next number, and the
 * summary begins with "1、". After an item of an unnumbered summary, no number may begin. Elsewhere the
 * probabilities are the model's.
 */
export function renumbered(numbering: ItemNumbering, prefix: readonly number[], probs: Float32Array, atLeast?: number): Float32Array {
  const first = numbering.marker(1);
  // Owing two or more items, the summary is numbered, as the corpus numbers every summary of several: an
  // unnumbered one would be held to no count ("右肺中叶钙化结节…。" with the emphysema left out).
  if (atLeast !== undefined && prefix.length < first.length && startsWith(prefix, 0, first.slice(0, prefix.length))) return probs.map((_, id) => (id === first[prefix.length] ? 1 : 0));
  if (!startsWith(prefix, 0, first)) {
    // An unnumbered summary has no numbers to continue ("右肺上叶肺气肿…。3、…").
    return prefix[prefix.length - 1] === numbering.end ? probs.map((p, id) => (numbering.beginsNumber(id) ? 0 : p)) : probs;
  }
  const starts = prefix.flatMap((id, i) => (id === numbering.end ? [i + 1] : []));
  const last = starts.pop();
  if (last === undefined) return probs; // still in the first item
  // Items numbered so far: the first, and each later one that began with the next number.
  const numbered = starts.reduce((n, s) => (startsWith(prefix, s, numbering.marker(n + 1)) ? n + 1 : n), 1);
  const next = numbering.marker(numbered + 1);
  if (!numbering.beginsNumber(next[0]!)) return probs; // a vocabulary that cannot write the number
  const written = prefix.length - last;
  if (written === 0) {
    // An item owed: the next number, whatever else the model would write (it escaped the count with "或、…").
    const owed = atLeast !== undefined && numbered < atLeast;
    let number = 0;
    const out = probs.map((p, id) => (numbering.beginsNumber(id) || owed ? ((number += p), 0) : p));
    out[next[0]!] = number;
    return out;
  }
  if (written < next.length && startsWith(prefix, last, next.slice(0, written))) return probs.map((_, id) => (id === next[written] ? 1 : 0));
  return probs;
}
