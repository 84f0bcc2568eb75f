/**
 * Counts as the findings text states them. The corpus's summaries write "共N枚" exactly where the text counts
 * N ≥ 2 ("肺野内见3枚钙化影"), and no count where it says one ("一枚", "一个"). The model has no counting
 * head; its counts are words it copies or guesses, and it writes counts the text never states: on a
 * selection seed (49494), 8 of 64 "共N枚" give a number the text does not state (docs/experiments.md,
 * "Counts as the text states them").
 *
 * With `statedCounts`: 共 only where the text states a number of two or more, and the number after it one
 * of those; where the sentence the item restates counts ("2枚", "一枚"), one of its own (`itemCounts`).
 * "多发" is left to the model: kept from it mid-item, the decoder garbled the item instead ("左肺上叶明确病变")
 * on the same selection seed.
 */
import { keepAllowed } from './decode.ts';

/** The vocabulary's tokens for counts: 共 and the digit tokens (a word's first or a later piece). */
export interface CountTokens {
  total: number;
  isDigit: (id: number) => boolean;
  /** The tokens of number `n` written after 共. */
  number: (n: string) => readonly number[];
}

/** The count tokens of `encode`'s tokenizer, whose token strings are `vocab`; undefined when 共 is not one token. */
export function countTokens(encode: (text: string) => number[], vocab: readonly string[]): CountTokens | undefined {
  const total = vocab.indexOf('共');
  if (total < 0 || encode('共').length !== 1) return undefined;
  const digits = new Set(vocab.flatMap((token, id) => (/^(##)?\d+$/.test(token) ? [id] : [])));
  return { total, isDigit: (id) => digits.has(id), number: (n) => encode(`共${n}`).slice(1) };
}

const NUMERALS: Record<string, string> = { 两: '2', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** The numbers of two or more that `text` counts: "3枚", "两个" (not "3个月"). */
export function statedCounts(text: string): string[] {
  const numbers = [...text.matchAll(/(\d+|[两二三四五六七八九])\s*(?:枚|个(?!月))/g)].map(([, n]) => NUMERALS[n!] ?? String(Number(n)));
  return [...new Set(numbers.filter((n) => Number(n) >= 2))];
}

/** Whether a sentence counts what it describes at all: a number ("2枚"), or one ("一枚", "一个", "1枚", "见一…"). */
const COUNTS = /(?:\d+|[一两二三四五六七八九])\s*(?:枚|个(?!月))|见一/;

/**
 * The numbers an item may write after 共, given the sentence it restates (the decoder's sentence attention
 * peak), if any: where that sentence counts, its own numbers (none for a single lesion: "一枚" allows no
 * 共); elsewhere the whole text's (`whole`). A text that counts "2枚" for one finding then gives no count to
 * another it says is single (the test split's S1-00367 wrote "共2枚" for its single 22 mm nodule).
 */
export function itemCounts(whole: readonly string[], sentence: string | undefined): readonly string[] {
  return sentence !== undefined && COUNTS.test(sentence) ? statedCounts(sentence) : whole;
}

/**
 * The next-token probabilities after `prefix` (the summary's tokens so far, without BOS) with counts kept to
 * the `stated` numbers (the item's, `itemCounts`): while the number after the last 共 is being written, only
 * digits that continue a stated number (and, once one is complete, any other token); elsewhere no 共 unless
 * a number is stated. `whole` (the whole text's numbers) holds the number to the text where the sentence
 * attended to moved, between 共 and its digits, to one that counts otherwise.
 */
export function countedAsText(t: CountTokens, prefix: readonly number[], probs: Float32Array, stated: readonly string[], whole: readonly string[] = stated): Float32Array {
  const at = prefix.lastIndexOf(t.total);
  const written = at < 0 ? [] : prefix.slice(at + 1);
  if (at >= 0 && written.every(t.isDigit)) {
    for (const numbers of [stated, whole]) {
      const going = numbers.map(t.number).filter((ids) => written.every((id, i) => ids[i] === id));
      if (!going.length) continue;
      const next = new Set(going.flatMap((ids) => (ids.length > written.length ? [ids[written.length]!] : [])));
      const complete = going.some((ids) => ids.length === written.length);
      return keepAllowed(probs, (id) => (t.isDigit(id) ? next.has(id) : complete));
    }
  }
  return stated.length ? probs : keepAllowed(probs, (id) => id !== t.total);
}
