/** Counts as the findings text states them (countConstraint.ts, decode's `constrain`), against a hand-made vocabulary. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/inference/decode.ts';
import { countedAsText, countTokens, itemCounts, statedCounts } from '../../src/inference/countConstraint.ts';
import { scriptedModel } from '../helpers/scriptedModel.ts';

// Word pieces as the corpus's tokenizer has them: "共12枚" is 共 1 ##2 枚.
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '2', '3', '##2', '多', '发', '共', '枚', '结', '，', '。'];
const id = (t: string) => VOCAB.indexOf(t);
const encode = (text: string) => (text.match(/共|\d|\D/g) ?? []).map((c, i, all) => id(/\d/.test(c) && /\d/.test(all[i - 1] ?? '') ? `##${c}` : c));
const tokens = countTokens(encode, VOCAB)!;
const PROBS = new Float32Array(VOCAB.length).fill(0.05);
/** The tokens the constraint zeroes after the summary tokens `prefix`, the text stating `stated`. */
const zeroed = (prefix: string[], stated: string[]) => [...countedAsText(tokens, prefix.map(id), PROBS, stated)].flatMap((p, i) => (p === 0 ? [VOCAB[i]] : []));
/** The tokens it keeps. */
const kept = (prefix: string[], stated: string[]) => VOCAB.filter((t) => !zeroed(prefix, stated).includes(t));

describe('statedCounts', () => {
  it('reads numbers of two or more before 枚 or 个, in digits or words, once each', () => {
    expect(statedCounts('肺野内见3枚高密度钙化影，较大者约6mm。左肺见2枚结节。右肺见3个结节。')).toEqual(['3', '2']);
    expect(statedCounts('右肺见两个结节，左肺见12枚钙化。')).toEqual(['2', '12']);
  });
  it('no number: one, several without a number (多发, 数枚), a time ("3个月"), a size', () => {
    expect(statedCounts('左肺上叶见一枚实性结节，直径约23mm。右肺见1个结节。双肺见多发结节，数枚钙化。')).toEqual([]);
    expect(statedCounts('3个月前复查，结节约12mm。咳嗽2周。')).toEqual([]);
  });
});

describe('itemCounts', () => {
  const whole = statedCounts('肺内见2枚实性结节影，较大者约16mm。左肺上叶见一枚实性结节影，约22mm。右侧胸腔见液性密度影。');
  it('the restated sentence\'s own numbers where it counts: one allows none (S1-00367\'s single nodule)', () => {
    expect(itemCounts(whole, '左肺上叶见一枚实性结节影，约22mm。')).toEqual([]);
    expect(itemCounts(whole, '左肺上叶见一类圆形实性结节影。')).toEqual([]);
    expect(itemCounts(whole, '肺内见2枚实性结节影，较大者约16mm。')).toEqual(['2']);
  });
  it('the whole text\'s where the sentence counts nothing, or no sentence is attended', () => {
    expect(itemCounts(whole, '右侧胸腔见液性密度影。')).toEqual(['2']);
    expect(itemCounts(whole, '主诉：胸闷3个月。')).toEqual(['2']);
    expect(itemCounts(whole, undefined)).toEqual(['2']);
  });
});

describe('countTokens', () => {
  it('reads 共 and the digit pieces; undefined without 共', () => {
    expect(tokens.total).toBe(id('共'));
    expect(['1', '##2', '枚'].map((t) => tokens.isDigit(id(t)))).toEqual([true, true, false]);
    expect(tokens.number('12')).toEqual([id('1'), id('##2')]);
    expect(countTokens(encode, VOCAB.filter((t) => t !== '共'))).toBeUndefined();
  });
});

describe('countedAsText', () => {
  it('a text that states no number: no 共 (so no number to invent); 多 stays the model\'s', () => {
    expect(zeroed(['结'], [])).toEqual(['共']);
    expect(zeroed(['结'], ['3'])).toEqual([]);
  });
  it('after 共, only the digits of a stated number, then (once complete) anything but a further digit', () => {
    const stated = ['3', '12'];
    expect(kept(['结', '，', '共'], stated)).toEqual(['1', '3']);
    expect(kept(['结', '，', '共', '1'], stated)).toEqual(['##2']);
    expect(zeroed(['结', '，', '共', '3'], stated)).toEqual(['1', '2', '3', '##2']);
    // The sentence attended moved between 共 and its digits to one that says one: still a number the text states.
    expect([...countedAsText(tokens, ['结', '，', '共'].map(id), PROBS, [], stated)].flatMap((p, i) => (p > 0 ? [VOCAB[i]] : []))).toEqual(['1', '3']);
    // Past the number, 共 is allowed again (a second item may count too).
    expect(zeroed(['共', '3', '枚', '，'], stated)).toEqual([]);
  });
  it('in a decode, turns "共2枚" into the text\'s "共3枚"', async () => {
    // The model would write 共 2 枚 。; the text states 3.
    const model = scriptedModel(VOCAB.length, { 2: { [id('共')]: 0.9 }, [id('共')]: { [id('2')]: 0.6, [id('3')]: 0.3 }, [id('2')]: { [id('枚')]: 0.9 }, [id('3')]: { [id('枚')]: 0.9 }, [id('枚')]: { [id('。')]: 0.9 }, [id('。')]: { 3: 0.9 } });
    const stated = statedCounts('肺野内见3枚钙化影。');
    const out = await decode(model, { bos: 2, eos: 3, maxLength: 6, beamSize: 1, lengthPenalty: 0, constrain: (prefix, probs) => countedAsText(tokens, prefix, probs, stated) });
    expect(out.map((r) => VOCAB[r.id])).toEqual(['共', '3', '枚', '。']);
  });
});
