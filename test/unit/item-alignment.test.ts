import { describe, expect, it } from 'vitest';
import { copySources } from '../../src/training/copySources.ts';
import { alignItems, learnRewordings, sentenceIndex } from '../../src/training/itemAlignment.ts';
import { attendedSentence, SENTENCE_END, sentenceSpans } from '../../src/text/sentences.ts';

const chars = (s: string) => [...s];

describe('sentenceSpans', () => {
  it('cuts after each 。, keeps a last part without one, and reads only [start, end)', () => {
    expect(sentenceSpans(chars('甲。乙丙。丁'), SENTENCE_END)).toEqual([[0, 2], [2, 5], [5, 6]]);
    expect(sentenceSpans(chars('甲。乙丙。丁'), SENTENCE_END, 1, 5)).toEqual([[1, 2], [2, 5]]);
    expect(sentenceSpans([], SENTENCE_END)).toEqual([]);
  });
});

describe('attendedSentence', () => {
  it('is the largest weight among the sentences there are (the first wins a tie), −1 when there is none', () => {
    const w = Float32Array.from([0.2, 0.5, 0.1, 0.9]);
    expect(attendedSentence(w)).toBe(3);
    expect(attendedSentence(w, 3)).toBe(1); // the 4th weight is padding
    expect(attendedSentence(Float32Array.from([0.4, 0.4]))).toBe(0);
    expect(attendedSentence(w, 0)).toBe(-1); // an input text without a sentence
    expect(attendedSentence(undefined)).toBe(-1);
    expect(attendedSentence(new Float32Array(0))).toBe(-1);
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

describe('item rewordings', () => {
  // Sentence 0 = positions 0–8 (右肺上叶透亮增高。), sentence 1 = 9–19 (左肺下叶结节约9mm。).
  const context = chars('右肺上叶透亮增高。左肺下叶结节约9mm。');
  const rewordings = new Map([['气', new Set(['透', '亮'])]]);
  it('pairs a leftover item with the sentence its words stand for', () => {
    // 右 上 (1 each) and 肺 (½) with sentence 0: 2.5, under 3. With 气 standing for 透 亮: 4.5.
    expect(alignItems(chars('右上肺气肿。'), context, 0)).toEqual(Array(6).fill(undefined));
    expect(alignItems(chars('右上肺气肿。'), context, 0, rewordings)).toEqual(Array(6).fill([0, 9]));
    // An item's own number is not a size: "1、" does not keep it from its sentence.
    expect(alignItems(chars('1、右上肺气肿。'), context, 0, rewordings)).toEqual(Array(8).fill([0, 9]));
  });
  it('does not pair a leftover item with a sentence that lacks one of its numbers', () => {
    // A finding the text never had carries a size read from the image: 17 is in no sentence.
    expect(alignItems(chars('右上肺气肿约17mm。'), context, 0, rewordings)).toEqual(Array(11).fill(undefined));
  });
  it('keeps the pairs that shared words make', () => {
    // The item restates sentence 1 in its own words (7.5 there); 气's rewording does not move it.
    const summary = chars('左下肺结节约9mm气。');
    expect(alignItems(summary, context, 0, rewordings)).toEqual(alignItems(summary, context, 0));
    expect(alignItems(summary, context, 0)).toEqual(Array(summary.length).fill([9, 20]));
  });
  // 10 studies whose item says 气肿 for its sentence's 透亮 (aligned on 右 上 尖: 3), 30 whose item repeats its sentence.
  const reworded = { summary: chars('右上尖气肿。'), context: chars('右上尖透亮。'), inputStart: 0 };
  const repeated = { summary: chars('左下结节。'), context: chars('左下结节。'), inputStart: 0 };
  it('learns what an item word stands for from the aligned pairs', () => {
    // 气 is in 10 aligned items, and all 10 of their sentences hold 右 上 尖 透 亮: share 1 ≥ 0.9, and
    // 1 ≥ 4 × each word's share of all 40 aligned sentences (10 / 40). 左 下 结 节 are in all 30 of theirs,
    // but also in 30 / 40 of all sentences: 1 < 4 × ¾.
    const learnt = learnRewordings([...Array(10).fill(reworded), ...Array(30).fill(repeated)]);
    expect([...learnt.keys()].sort()).toEqual([...'上右尖气肿'].sort());
    expect([...learnt.get('气')!].sort()).toEqual([...'上亮右尖透'].sort());
  });
  it('learns nothing from fewer than 10 aligned items', () => {
    expect(learnRewordings([...Array(9).fill(reworded), ...Array(30).fill(repeated)]).size).toBe(0);
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
