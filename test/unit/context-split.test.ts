/** The worker's cut of the decoder context and of a token's text attention into passages and input text. */
import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/corpus/passages.ts';
import { contextView, splitTextWeights } from '../../src/workers/contextSplit.ts';

const passage = (id: string): Passage => ({ id, kind: 'summary', text: `text ${id}`, findingTypes: [], locations: [] });

describe('context split', () => {
  it('gives the k passages in the context their tokens, the others none, and the rest to the input text', () => {
    const view = contextView({
      passages: [{ passage: passage('a'), score: 0.9 }, { passage: passage('b'), score: 0.8 }, { passage: passage('c'), score: 0.1 }],
      contextTokens: ['左', '肺', '结', '节', '右', '肺'],
      passageTokenCounts: [2, 1],
    });
    expect(view.passages).toEqual([
      { id: 'a', text: 'text a', score: 0.9, tokens: ['左', '肺'] },
      { id: 'b', text: 'text b', score: 0.8, tokens: ['结'] },
      { id: 'c', text: 'text c', score: 0.1 },
    ]);
    expect(view.inputTokens).toEqual(['节', '右', '肺']);
  });
  it('cuts a token’s weights the same way', () => {
    const { passageWeights, textWeights } = splitTextWeights(new Float32Array([0.1, 0.2, 0.3, 0.4]), [2, 1]);
    expect(passageWeights.map((w) => Array.from(w))).toEqual([[0.1, 0.2], [0.3]].map((r) => r.map(Math.fround)));
    expect(Array.from(textWeights)).toEqual([Math.fround(0.4)]);
    expect(splitTextWeights(new Float32Array([1]), []).textWeights).toEqual(new Float32Array([1]));
  });
});
