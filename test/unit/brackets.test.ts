/** Bracket balance of summaries (brackets.ts), against hand-checked strings. */
import { describe, expect, it } from 'vitest';
import { bracketsBalanced, unbalancedShare } from '../../src/eval/brackets.ts';

describe('bracketsBalanced', () => {
  it('accepts closed pairs and text without brackets', () => {
    expect(bracketsBalanced('右肺中叶实性结节（约12mm，边缘见毛刺），建议PET-CT检查。')).toBe(true);
    expect(bracketsBalanced('1、结节（约6mm）。2、实变(约3.0cm)。')).toBe(true);
    expect(bracketsBalanced('双肺未见明显异常。')).toBe(true);
    expect(bracketsBalanced('')).toBe(true);
  });
  it('rejects a bracket left open, one never opened, and a close before its open', () => {
    expect(bracketsBalanced('右肺中叶实性结节（约12mm，边缘见毛刺，建议PET-CT检查。')).toBe(false);
    expect(bracketsBalanced('左下肺部分实性结节，约16mm，边缘毛刺），请结合临床。')).toBe(false);
    expect(bracketsBalanced('）约6mm（')).toBe(false);
  });
});

describe('unbalancedShare', () => {
  it('is the fraction of summaries that are not balanced', () => {
    expect(unbalancedShare(['a（b）', 'a（b', 'c）', 'd'])).toBe(0.5);
    expect(unbalancedShare([])).toBe(0);
  });
});
