import { describe, expect, it } from 'vitest';
import { copySources, placeAndSizeTokens } from '../../src/training/copySources.ts';

describe('copySources', () => {
  // Context: two passage tokens [90, 91], then the input text from position 2: 7 3 4 8 | 7 5 4
  const context = [90, 91, 7, 3, 4, 8, 7, 5, 4];
  it('aligns tokens whose neighbour matches in the input text, and gives EOS no source', () => {
    // Summary 7 3 4 9: "7 3" matches at 2–3, "3 4" at 3–4; 9 occurs nowhere.
    expect(copySources([7, 3, 4, 9], context, 2)).toEqual([[2], [3], [4], [], []]);
  });
  it('ignores lone matches', () => {
    // 4 alone: its neighbours in the summary (1, 1) follow it nowhere in the context.
    expect(copySources([1, 4, 1], context, 2)).toEqual([[], [], [], []]);
  });
  it('looks in the passages only for tokens the input text lacks', () => {
    // 90 91 stand only in the passage (positions 0–1); 7 3 in the text, so 7's passage twin is never used.
    expect(copySources([90, 91], context, 2)).toEqual([[0], [1], []]);
    const withTwin = [7, 3, 90, 7, 3];
    expect(copySources([7, 3], withTwin, 3)).toEqual([[3], [4], []]);
    // A neighbour across the passage/text boundary does not count: 91 7 spans it.
    expect(copySources([91, 7, 5], context, 2)).toEqual([[], [6], [7], []]);
  });
  it('never looks in the passages for a token marked as the study\'s own', () => {
    // 90 91 stand only in the passage: marked, 90 gets no source; unmarked, 91 still finds position 1.
    expect(copySources([90, 91], context, 2, { ownOnly: [true, false] })).toEqual([[], [1], []]);
    // A marked token the input text has is aligned there as before.
    expect(copySources([7, 3, 4, 9], context, 2, { ownOnly: [true, true, true, true] })).toEqual([[2], [3], [4], [], []]);
  });
  it('keeps every matching place up to maxSources, none beyond', () => {
    // "7 x" and "x 4": 7 at 2 (right neighbour 3 ≠ 5)… summary 7 5 4: 7→6 (right 5), 5→7, 4→8 (left 5).
    expect(copySources([7, 5, 4], context, 2)).toEqual([[6], [7], [8], []]);
    const repeated = [0, 1, 2, 1, 2, 1, 2];
    expect(copySources([1, 2], repeated, 0, { maxSources: 3 })).toEqual([[1, 3, 5], [2, 4, 6], []]);
    expect(copySources([1, 2], repeated, 0, { maxSources: 2 })).toEqual([[], [], []]);
  });
  it('never looks in the passages for an uncopied token', () => {
    // 90 stands only in the passage: uncopied, it gets no source; 91 still finds position 1.
    expect(copySources([90, 91], context, 2, { passageUncopied: new Set([90]) })).toEqual([[], [1], []]);
    // An uncopied token the input text has is aligned there as before.
    expect(copySources([7, 3], context, 2, { passageUncopied: new Set([7, 3]) })).toEqual([[2], [3], []]);
  });
});

describe('placeAndSizeTokens', () => {
  it('digits in both positions, and the characters that tell two location names apart', () => {
    const tokens = ['[PAD]', '3', '##3', '##mm', '右', '左', '肺', '上', '中', '下', '叶', '侧', '胸', '腔', '建'];
    // 右肺上叶/左肺上叶 → 右 左; 右肺上叶/右肺中叶 → 上 中; 右肺中叶/右肺下叶 → 下; 右侧胸腔/左侧胸腔 adds nothing new.
    expect(placeAndSizeTokens(tokens, ['右肺上叶', '右肺中叶', '右肺下叶', '左肺上叶', '右侧胸腔', '左侧胸腔'])).toEqual([1, 2, 4, 5, 7, 8, 9]);
    // A name differing in two characters from every other tells nothing.
    expect(placeAndSizeTokens(tokens, ['右肺上叶', '左肺下叶'])).toEqual([1, 2]);
  });
});
