/**
 * Well-formed summaries, which BLEU, CIDEr-D and the fact scorer barely see (a character or two). The corpus's
 * summaries put a size (and sometimes a margin) in full-width brackets and never leave one open or close one
 * that was not opened; they number the items of several findings "1、…。2、…。" and never skip or repeat a
 * number; they write a place as a side and then a level (右上肺, 右肺上叶, 双上肺), once per item. Decoders
 * break all of these. ASCII brackets count the same as full-width ones.
 */
const OPEN = new Set(['（', '(']);
const CLOSE = new Set(['）', ')']);

/** Whether every closing bracket closes an open one and none is left open. */
export function bracketsBalanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (OPEN.has(ch)) depth++;
    else if (CLOSE.has(ch) && --depth < 0) return false;
  }
  return depth === 0;
}

/** Whether the item numbers ("n、" at the start or after "。") run 1, 2, 3… with none skipped or repeated. */
export function itemsInSequence(text: string): boolean {
  return [...text.matchAll(/(?:^|。)(\d+)、/g)].every((m, i) => Number(m[1]) === i + 1);
}

/**
 * A place written wrong: a level with no side before it (上肺上叶…), a level after a whole lung (左肺上肺), a
 * place written twice (右上肺上叶), a middle lobe on the left, which has none (左中肺, 左肺中叶), or an item
 * number without its "、" (5上肺…). None of the corpus's summaries has one (`test/unit/well-formed.test.ts`).
 */
const MALFORMED_PLACE = /(?:^|[^左右双两肺])[上中下][肺叶]|[左右]肺[上中下]肺|[左右][上中下]肺[上中下]叶|左肺?中[肺叶]|(?:^|。)\d+(?![\d、])/;

/** Whether every place in the text is written as a side and then a level, and every item number has its "、". */
export function placesWellFormed(text: string): boolean {
  return !MALFORMED_PLACE.test(text);
}

/** The share of summaries that fail a test (0 for none). */
export function failingShare(summaries: readonly string[], test: (summary: string) => boolean): number {
  return summaries.length ? summaries.filter((s) => !test(s)).length / summaries.length : 0;
}
