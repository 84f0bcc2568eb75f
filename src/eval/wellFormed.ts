/**
 * Well-formed summaries, which BLEU, CIDEr-D and the fact scorer barely see (a character or two). The corpus's
 * summaries put a size (and sometimes a margin) in full-width brackets and never leave one open or close one
 * that was not opened; they number the items of several findings "1、…。2、…。" and never skip or repeat a
 * number. Decoders do all of these. ASCII brackets count the same as full-width ones.
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

/** The share of summaries that fail a test (0 for none). */
export function failingShare(summaries: readonly string[], test: (summary: string) => boolean): number {
  return summaries.length ? summaries.filter((s) => !test(s)).length / summaries.length : 0;
}
