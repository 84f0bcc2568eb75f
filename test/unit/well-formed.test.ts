/** Bracket balance and item numbering of summaries (wellFormed.ts), against hand-checked strings. */
import { describe, expect, it } from 'vitest';
import { bracketsBalanced, failingShare, itemsInSequence } from '../../src/eval/wellFormed.ts';

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

describe('itemsInSequence', () => {
  it('accepts items numbered from 1 without gaps, and text without numbers', () => {
    expect(itemsInSequence('1、结节（约6mm）。2、实变。3、积液。')).toBe(true);
    expect(itemsInSequence('右肺结节约12mm，建议复查。')).toBe(true);
    // Numbers inside an item are not item numbers.
    expect(itemsInSequence('1、钙化灶共2枚，约3mm。2、积液。')).toBe(true);
    expect(itemsInSequence('1、a。2、b。3、c。4、d。5、e。6、f。7、g。8、h。9、i。10、j。')).toBe(true);
  });
  it('rejects a skipped, a repeated and a wrong first number', () => {
    expect(itemsInSequence('1、结节。3、钙化。')).toBe(false);
    expect(itemsInSequence('1、结节。2、实变。2、钙化。')).toBe(false);
    expect(itemsInSequence('2、结节。')).toBe(false);
  });
});

describe('failingShare', () => {
  it('is the fraction of summaries that fail the test', () => {
    expect(failingShare(['a（b）', 'a（b', 'c）', 'd'], bracketsBalanced)).toBe(0.5);
    expect(failingShare(['1、a。3、b。', '1、a。2、b。'], itemsInSequence)).toBe(0.5);
    expect(failingShare([], bracketsBalanced)).toBe(0);
  });
});
