import { describe, expect, it } from 'vitest';
import type { Fact } from '../../src/corpus/schema.ts';
import { tiesInTextOrder } from '../../src/training/tieOrder.ts';

const chars = (s: string) => [...s];
const emphysema = (location: Fact['location']): Fact => ({ finding: 'emphysema', location, advice: 'lung-function' });
const mass: Fact = { finding: 'mass', location: '左肺上叶', sizeMm: 50, margin: '毛刺', advice: 'enhanced-ct-biopsy' };

// Input text: the mass, then the left-lung emphysema, then the right-lung one.
const text = '左肺上叶见团块影约50mm。左肺下叶透亮度增高范围约43mm。右肺上叶透亮度增高范围约34mm。胸廓对称。';

describe('tiesInTextOrder', () => {
  it('puts equally urgent items in the order of the sentences they restate, and numbers them again', () => {
    const summary = '1、左上肺肿块约50mm。2、右肺上叶肺气肿范围约34mm。3、左肺下叶肺气肿范围约43mm。';
    const facts = [mass, emphysema('右肺上叶'), emphysema('左肺下叶')];
    expect(tiesInTextOrder(summary, facts, text, chars)).toBe('1、左上肺肿块约50mm。2、左肺下叶肺气肿范围约43mm。3、右肺上叶肺气肿范围约34mm。');
  });
  it('keeps the more urgent item first even where the text has it later', () => {
    const later = '右肺上叶透亮度增高范围约34mm。左肺上叶见团块影约50mm。';
    const summary = '1、左上肺肿块约50mm。2、右肺上叶肺气肿范围约34mm。';
    expect(tiesInTextOrder(summary, [mass, emphysema('右肺上叶')], later, chars)).toBe(summary);
  });
  it('leaves a summary alone when it is one item, or its items do not match its facts', () => {
    expect(tiesInTextOrder('右肺上叶肺气肿。', [emphysema('右肺上叶')], text, chars)).toBe('右肺上叶肺气肿。');
    const summary = '1、右肺上叶肺气肿范围约34mm。2、左肺下叶肺气肿范围约43mm。';
    expect(tiesInTextOrder(summary, [emphysema('右肺上叶')], text, chars)).toBe(summary);
  });
  it('leaves a run alone when one of its items restates no sentence it can find', () => {
    // "积液" shares too little with any sentence to be aligned.
    const summary = '1、右侧积液。2、左肺下叶肺气肿范围约43mm。';
    const facts: Fact[] = [{ finding: 'pleural-effusion', location: '右侧胸腔', sizeMm: 20, advice: 'lung-function' }, emphysema('左肺下叶')];
    expect(tiesInTextOrder(summary, facts, text, chars)).toBe(summary);
  });
});
