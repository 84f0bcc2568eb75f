/** Bracket balance, item numbering and places of summaries (wellFormed.ts), against hand-checked strings and the corpus's own summaries. */
import { describe, expect, it } from 'vitest';
import { generateStudy } from '../../src/corpus/study.ts';
import { bracketsBalanced, failingShare, itemsInSequence, placesWellFormed } from '../../src/eval/wellFormed.ts';

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

describe('placesWellFormed', () => {
  it('accepts a side then a level, in either of the corpus\'s orders, both lungs, and pleural sides', () => {
    expect(placesWellFormed('1、右上肺实性结节，约10mm。2、左肺下叶磨玻璃结节。')).toBe(true);
    expect(placesWellFormed('右肺中叶占位性病变，约50mm。')).toBe(true);
    expect(placesWellFormed('双上肺肺气肿。两肺上叶多发结节。左侧胸腔积液（深约14mm）。')).toBe(true);
    expect(placesWellFormed('右肺肺气肿，伴肺大泡形成。')).toBe(true);
  });
  it('rejects a middle lobe on the left, which has none (S51515-00178 under a rule not adopted at stop 75; greedy summaries of older releases)', () => {
    expect(placesWellFormed('3、左中肺部分实性结节（大小约23mm）。')).toBe(false);
    expect(placesWellFormed('左肺中叶实性结节。')).toBe(false);
    expect(placesWellFormed('右中肺实性结节。左肺上叶钙化灶。')).toBe(true);
  });
  it('rejects a level with no side, a level after a whole lung, a place written twice, and an item number without 、 (the decoders\' own slips)', () => {
    expect(placesWellFormed('1、上肺上叶实性小结节（约15mm）。')).toBe(false);
    expect(placesWellFormed('左肺上肺空洞性病变，直径约31mm。')).toBe(false);
    expect(placesWellFormed('1、右上肺上叶肿块，约50mm。')).toBe(false);
    expect(placesWellFormed('1、左侧胸腔积液。5上肺肺气肿。')).toBe(false);
  });
  it('passes every summary of 300 corpus studies', () => {
    const failing = Array.from({ length: 300 }, (_, i) => generateStudy(3, i, { size: 32 }).summary).filter((s) => !placesWellFormed(s));
    expect(failing).toEqual([]);
  });
});

describe('failingShare', () => {
  it('is the fraction of summaries that fail the test', () => {
    expect(failingShare(['a（b）', 'a（b', 'c）', 'd'], bracketsBalanced)).toBe(0.5);
    expect(failingShare(['1、a。3、b。', '1、a。2、b。'], itemsInSequence)).toBe(0.5);
    expect(failingShare([], bracketsBalanced)).toBe(0);
  });
});
