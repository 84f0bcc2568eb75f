/**
 * Well-formed brackets in a summary: the corpus's summaries put a size (and sometimes a margin) in full-width
 * brackets and never leave one open or close one that was not opened; greedy decoders do both, which BLEU,
 * CIDEr-D and the fact scorer barely see (one character). ASCII brackets count the same.
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

/** The share of summaries whose brackets are not balanced (0 for none). */
export function unbalancedShare(summaries: readonly string[]): number {
  return summaries.length ? summaries.filter((s) => !bracketsBalanced(s)).length / summaries.length : 0;
}
