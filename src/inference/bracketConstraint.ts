/**
 * Well-formed brackets while decoding. The corpus's summaries put a size (and sometimes a margin) in
 * full-width brackets, "（约12mm，边缘见毛刺），建议…", and never leave one open or close one never opened;
 * greedy decoders do both (a quarter of v20's summaries). Given the tokens so far, this allows only the
 * next tokens that keep to that: no closing bracket with none open; inside a bracket, no second opening
 * one and nothing that is never seen inside one in the reference passages (the advice, the full stop, the
 * end of the summary). Beam search then keeps the best-scoring summary that obeys.
 */

/** What the constraint needs from a tokenizer and the reference texts. */
export interface BracketGrammar {
  open: number;
  close: number;
  /** The tokens that occur between brackets in the reference texts. */
  inside: ReadonlySet<number>;
}

/**
 * The grammar of the reference texts' brackets, read from their token ids (the summarizer has them already):
 * the tokens between an opening bracket and the closing one that follows it with no other opening bracket
 * between. Undefined when the vocabulary has no full-width brackets.
 */
export function bracketGrammar(encode: (text: string) => number[], texts: readonly (readonly number[])[]): BracketGrammar | undefined {
  const [open, close] = [encode('（'), encode('）')];
  if (open.length !== 1 || close.length !== 1 || open[0] === close[0]) return undefined;
  const grammar = { open: open[0]!, close: close[0]!, inside: new Set<number>() };
  for (const ids of texts) {
    let between: number[] | undefined; // the tokens since the last opening bracket, while one is open
    for (const id of ids) {
      if (id === grammar.open) between = [];
      else if (id === grammar.close) {
        between?.forEach((t) => grammar.inside.add(t));
        between = undefined;
      } else between?.push(id);
    }
  }
  return grammar;
}

/** Whether token `id` may follow `prefix` (the summary's tokens so far, without BOS). */
export function allowedAfter(grammar: BracketGrammar, prefix: readonly number[]): (id: number) => boolean {
  let open = false;
  for (const id of prefix) {
    if (id === grammar.open) open = true;
    else if (id === grammar.close) open = false;
  }
  return open ? (id) => id === grammar.close || grammar.inside.has(id) : (id) => id !== grammar.close;
}
