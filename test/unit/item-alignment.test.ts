import { describe, expect, it } from 'vitest';
import { copySources } from '../../src/training/copySources.ts';
import { alignItems, sentenceIndex } from '../../src/training/itemAlignment.ts';
import { SENTENCE_END, sentenceSpans } from '../../src/text/sentences.ts';

const chars = (s: string) => [...s];

describe('sentenceSpans', () => {
  it('cuts after each 。, keeps a last part without one, and reads only [start, end)', () => {
    expect(sentenceSpans(chars('甲。乙丙。丁'), SENTENCE_END)).toEqual([[0, 2], [2, 5], [5, 6]]);
    expect(sentenceSpans(chars('甲。乙丙。丁'), SENTENCE_END, 1, 5)).toEqual([[1, 2], [2, 5]]);
    expect(sentenceSpans([], SENTENCE_END)).toEqual([]);
  });
});

describe('alignItems', () => {
  // Input text: sentence A = positions 2–13, B = 14–24, distractor C = 25–29 (after two passage tokens).
  const context = [...chars('甲乙'), ...chars('右肺下叶见结节约9mm。'), ...chars('左肺上叶见实变影范围。'), ...chars('胸廓对称。')];
  const inputStart = 2;
  it('gives each item the span of the sentence it shares the most distinctive words with', () => {
    // Item 1 shares 左 上 实 变 (each only in B: 4) and 肺 叶 (in A and B: ½ each): 5 with B; with A only 肺 叶: 1.
    // Item 2 shares 右 下 结 节 约 9 m (only in A: 7) and 肺 (½): 7.5 with A.
    const summary = chars('1、左上肺实变。2、右下肺结节约9mm。');
    const spans = alignItems(summary, context, inputStart);
    expect(spans.slice(0, 8)).toEqual(Array(8).fill([14, 25]));
    expect(spans.slice(8)).toEqual(Array(summary.length - 8).fill([2, 14]));
  });
  it('leaves an item that shares too little with every sentence unaligned', () => {
    // 右 and 肺 with A: 1 + ½ = 1.5, under the minimum score of 3.
    expect(alignItems(chars('右肺积液。'), context, inputStart)).toEqual(Array(5).fill(undefined));
  });
  it('numbers an aligned sentence as the decoder\'s sentence attention does: from the input text\'s start', () => {
    expect(sentenceIndex(context, inputStart, [2, 14])).toBe(0);
    expect(sentenceIndex(context, inputStart, [14, 25])).toBe(1);
    expect(sentenceIndex(context, inputStart, [25, 30])).toBe(2);
  });
  it('gives each sentence to one item only, the better-matching one first', () => {
    // Both items match A best; the second (7.5) takes it, the first (右 下 结 节: 4) is left without a sentence.
    const spans = alignItems(chars('右下结节。右下结节约9m。'), context, inputStart);
    expect(spans.slice(0, 5)).toEqual(Array(5).fill(undefined));
    expect(spans.slice(5)).toEqual(Array(8).fill([2, 14]));
  });
});

describe('copySources with item spans', () => {
  // Input text from position 0: 右 肺 下 叶 。 | 左 肺 下 叶 。 ; passage-free.
  const context = [1, 2, 3, 4, 9, 5, 2, 3, 4, 9];
  const summary = [5, 2, 3, 4]; // 左 肺 下 叶
  it('aligns an item\'s tokens inside its sentence alone', () => {
    // Without spans, 肺 下 叶 match in both sentences; with the second sentence as the item's, only there.
    expect(copySources(summary, context, 0)).toEqual([[5], [1, 6], [2, 7], [3, 8], []]);
    expect(copySources(summary, context, 0, { spans: Array(4).fill([5, 10]) })).toEqual([[5], [6], [7], [8], []]);
  });
  it('gives no source to a token the item\'s sentence lacks but another sentence has', () => {
    // The item's sentence is the first (右 肺 下 叶): 左 stands only in the second, so it belongs to another finding.
    expect(copySources(summary, context, 0, { spans: Array(4).fill([0, 5]) })).toEqual([[], [1], [2], [3], []]);
  });
  it('takes a token the item words differently from its one occurrence in the sentence', () => {
    // Summary 右 下 肺 (1 3 2) against the sentence 右 肺 下 叶 (1 2 3 4): no neighbour matches, but each
    // token stands once in the item's sentence. Without the span none of them has a source.
    expect(copySources([1, 3, 2], context, 0)).toEqual([[], [], [], []]);
    expect(copySources([1, 3, 2], context, 0, { spans: Array(3).fill([0, 5]) })).toEqual([[0], [2], [1], []]);
    // A token the sentence holds twice, alone, says nothing: 2 in 2 7 2 。.
    expect(copySources([1, 2], [2, 7, 2, 9], 0, { spans: Array(2).fill([0, 4]) })).toEqual([[], [], []]);
  });
  it('still looks in the passages for a token no input sentence has', () => {
    // Passage 7 8 at 0–1, then the input text 5 2 。: the summary's 7 8 come from the passage.
    expect(copySources([7, 8, 5, 2], [7, 8, 5, 2, 9], 2, { spans: Array(4).fill([2, 5]) })).toEqual([[0], [1], [2], [3], []]);
  });
});
