/**
 * The decoder's context is one row of tokens — the k retrieved passages' tokens, then the input text's —
 * and each token's text attention is one row of weights over it. The page shows them per passage and for
 * the input text: these cut both rows at the passages' token counts.
 */
import type { SummaryContext } from '../inference/summarizer.ts';
import type { PassageView } from './protocol.ts';

/** Every retrieved passage (the first k with their tokens), and the input text's tokens. */
export function contextView(context: Pick<SummaryContext, 'passages' | 'contextTokens' | 'passageTokenCounts'>): { passages: PassageView[]; inputTokens: string[] } {
  let at = 0;
  const passages = context.passages.map((p, i) => {
    const count = context.passageTokenCounts[i];
    const tokens = count === undefined ? undefined : context.contextTokens.slice(at, (at += count));
    return { id: p.passage.id, text: p.passage.text, score: p.score, ...(tokens ? { tokens } : {}) };
  });
  return { passages, inputTokens: context.contextTokens.slice(at) };
}

/** One token's text attention, cut into each passage's weights and the input text's. */
export function splitTextWeights(weights: Float32Array, passageTokenCounts: readonly number[]): { passageWeights: Float32Array[]; textWeights: Float32Array } {
  let at = 0;
  const passageWeights = passageTokenCounts.map((n) => weights.slice(at, (at += n)));
  return { passageWeights, textWeights: weights.slice(at) };
}
