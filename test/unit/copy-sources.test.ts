import { describe, expect, it } from 'vitest';
import { copySources } from '../../src/training/copySources.ts';

describe('copySources', () => {
  // Context: two passage tokens [90, 91], then the input text from position 2: 7 3 4 8 | 7 5 4
  const context = [90, 91, 7, 3, 4, 8, 7, 5, 4];
  it('aligns tokens whose neighbour matches, only inside the input text, and gives EOS no source', () => {
    // Summary 7 3 4 9: "7 3" matches at 2–3, "3 4" at 3–4; 9 occurs nowhere.
    expect(copySources([7, 3, 4, 9], context, 2)).toEqual([[2], [3], [4], [], []]);
  });
  it('ignores lone matches and passage tokens', () => {
    // 4 alone (neighbours 90 and 5 do not follow it in the text as they do in the summary) … 90 91 are passage tokens.
    expect(copySources([90, 91], context, 2)).toEqual([[], [], []]);
    expect(copySources([1, 4, 1], context, 2)).toEqual([[], [], [], []]);
  });
  it('keeps every matching place up to maxSources, none beyond', () => {
    // "7 x" and "x 4": 7 at 2 (right neighbour 3 ≠ 5)… summary 7 5 4: 7→6 (right 5), 5→7, 4→8 (left 5).
    expect(copySources([7, 5, 4], context, 2)).toEqual([[6], [7], [8], []]);
    const repeated = [0, 1, 2, 1, 2, 1, 2];
    expect(copySources([1, 2], repeated, 0, 3)).toEqual([[1, 3, 5], [2, 4, 6], []]);
    expect(copySources([1, 2], repeated, 0, 2)).toEqual([[], [], []]);
  });
});
