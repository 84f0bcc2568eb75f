/** An item's lobe weighed by the fixed filters' peak where the text omits it (filterLobeConstraint.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { filterPeak, filterWeights, weighedByFilters } from '../../src/inference/filterLobeConstraint.ts';
import type { RegionLobeTable } from '../../src/inference/pointedLobeConstraint.ts';
import { placeTokens } from '../../src/inference/textPlaceConstraint.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '、', '左', '右', '上', '中', '下', '肺', '叶', '。', '侧'];
const tokens = placeTokens(VOCAB)!;
const encode = (text: string) => [...text].map((c) => VOCAB.indexOf(c));

// Four regions in one row of four columns: columns 0–1 are the patient's right (the image's left half), 2–3 the left.
// Each region's (nodule filter, ground-glass filter) maxima.
const MAXIMA = [0.2, 0.1, /* r0 */ 0.6, 0.3, /* r1 */ 0.3, 0.9, /* r2 */ 0.5, 0.2 /* r3 */];
// Lobes in LOBES order: 右肺上叶, 右肺中叶, 右肺下叶, 左肺上叶, 左肺下叶.
const TABLE: RegionLobeTable = {
  lobes: 5,
  table: [
    0.8, 0.1, 0.1, 0, 0, // r0: right upper
    0, 0.25, 0.75, 0, 0, // r1: right lower, some middle
    0, 0, 0, 0.9, 0.1, // r2: left upper
    0, 0, 0, 0.3, 0.7, // r3: left lower
  ],
};

describe('filterWeights and filterPeak', () => {
  it('the filter made for the type: nodule filter for solid and part-solid nodules and calcifications, ground-glass filter for ground-glass nodules, both otherwise', () => {
    expect(filterWeights('solid-nodule')).toEqual([1, 0]);
    expect(filterWeights('calcification')).toEqual([1, 0]);
    expect(filterWeights('ground-glass-nodule')).toEqual([0, 1]);
    expect(filterWeights('mass')).toEqual([1, 1]);
    expect(filterWeights(undefined)).toEqual([1, 1]);
  });
  it('the largest weighted response on the side, one-hot', () => {
    expect([...filterPeak(MAXIMA, 4, [1, 0], '右')]).toEqual([0, 1, 0, 0]); // 0.6 beats 0.2
    expect([...filterPeak(MAXIMA, 4, [1, 0], '左')]).toEqual([0, 0, 0, 1]); // 0.5 beats 0.3
    expect([...filterPeak(MAXIMA, 4, [0, 1], '左')]).toEqual([0, 0, 1, 0]); // 0.9
    expect([...filterPeak(MAXIMA, 4, [1, 1], undefined)]).toEqual([0, 0, 1, 0]); // 1.2 beats 0.9, 0.7, 0.3
  });
});

describe('weighedByFilters', () => {
  const ones = new Float32Array(VOCAB.length).fill(1);
  const weighed = (text: string, sentence: string | undefined, namesPlace: boolean) => {
    const out = weighedByFilters(tokens, encode(text), ones, sentence, namesPlace, MAXIMA, 4, TABLE);
    return Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, Number(p.toFixed(4))]])));
  };
  it('a right-sided solid nodule without its lobe: the level by P(lobe | r1), the nodule filter\'s peak on the right', () => {
    expect(weighed('1、右', '右肺见一实性结节影。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('a ground-glass nodule with no side: the side by the ground-glass filter\'s peak (r2, left upper), then the level on the side written', () => {
    expect(weighed('1、', '肺内见一磨玻璃结节。', false)).toEqual({ 右: 0 }); // 左 keeps its probability (× 1)
    expect(weighed('1、左', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0.9, 中: 0, 下: 0.1 });
    // Written on the right all the same: the peak is looked for on the right (r1).
    expect(weighed('1、右', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('nothing where the sentence names a place, none is attended, or after the level', () => {
    expect(weighed('1、右', '右肺上叶见一实性结节。', true)).toEqual({});
    expect(weighed('1、右', undefined, false)).toEqual({});
    expect(weighed('1、右上', '右肺见一实性结节影。', false)).toEqual({});
  });
});
