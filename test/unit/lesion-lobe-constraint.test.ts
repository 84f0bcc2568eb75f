/** An item's lobe weighed by the lesion detector's peak where the text omits it (lesionLobeConstraint.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { FINDING_TYPES } from '../../src/corpus/schema.ts';
import { lesionPeak, weighedByLesions } from '../../src/inference/lesionLobeConstraint.ts';
import type { RegionLobeTable } from '../../src/inference/pointedLobeConstraint.ts';
import { placeTokens } from '../../src/inference/textPlaceConstraint.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '、', '左', '右', '上', '中', '下', '肺', '叶', '。', '侧'];
const tokens = placeTokens(VOCAB)!;
const encode = (text: string) => [...text].map((c) => VOCAB.indexOf(c));

// Four regions in one row of four columns: columns 0–1 are the patient's right (the image's left half), 2–3 the left.
// Each region's detector maxima per finding type: solid nodule and ground-glass nodule as given, every other type 0.
const SOLID_GGN = [0.2, 0.1, /* r0 */ 0.6, 0.3, /* r1 */ 0.3, 0.9, /* r2 */ 0.5, 0.2 /* r3 */];
const MAXIMA = Array.from({ length: 4 * FINDING_TYPES.length }, (_, i) => {
  const [r, t] = [Math.floor(i / FINDING_TYPES.length), i % FINDING_TYPES.length];
  return t === FINDING_TYPES.indexOf('solid-nodule') ? SOLID_GGN[2 * r]! : t === FINDING_TYPES.indexOf('ground-glass-nodule') ? SOLID_GGN[2 * r + 1]! : 0;
});
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

describe('lesionPeak', () => {
  it('the largest probability of the type on the side, one-hot', () => {
    expect([...lesionPeak(MAXIMA, 4, 'solid-nodule', '右')!]).toEqual([0, 1, 0, 0]); // 0.6 beats 0.2
    expect([...lesionPeak(MAXIMA, 4, 'solid-nodule', '左')!]).toEqual([0, 0, 0, 1]); // 0.5 beats 0.3
    expect([...lesionPeak(MAXIMA, 4, 'ground-glass-nodule', '左')!]).toEqual([0, 0, 1, 0]); // 0.9
  });
  it('without a type, the largest of any type; without a side, among all regions', () => {
    expect([...lesionPeak(MAXIMA, 4, undefined, '右')!]).toEqual([0, 1, 0, 0]); // 0.6 beats 0.3, 0.2
    expect([...lesionPeak(MAXIMA, 4, 'solid-nodule', undefined)!]).toEqual([0, 1, 0, 0]); // 0.6 beats 0.5
  });
  it('none where the detector found no candidate of the type', () => {
    expect(lesionPeak(MAXIMA, 4, 'calcification', '右')).toBeUndefined();
  });
});

describe('weighedByLesions', () => {
  const ones = new Float32Array(VOCAB.length).fill(1);
  const weighed = (text: string, sentence: string | undefined, namesPlace: boolean) => {
    const out = weighedByLesions(tokens, encode(text), ones, sentence, namesPlace, MAXIMA, 4, TABLE);
    return Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, Number(p.toFixed(4))]])));
  };
  it('a right-sided solid nodule without its lobe: the level by P(lobe | r1), the detector\'s solid-nodule peak on the right', () => {
    expect(weighed('1、右', '右肺见一实性结节影。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('a ground-glass nodule with no side: the side by the detector\'s ground-glass peak (r2, left upper), then the level on the side written', () => {
    expect(weighed('1、', '肺内见一磨玻璃结节。', false)).toEqual({ 右: 0 }); // 左 keeps its probability (× 1)
    expect(weighed('1、左', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0.9, 中: 0, 下: 0.1 });
    // Written on the right all the same: the peak is looked for on the right (r1).
    expect(weighed('1、右', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('the type as the findings text words it: 混杂磨玻璃密度结节 is part-solid (no candidate here: nothing), not ground-glass (r2)', () => {
    expect(weighed('1、左', '左肺见一混杂磨玻璃密度结节。', false)).toEqual({});
    expect(weighed('1、左', '左肺见一磨玻璃密度结节。', false)).toEqual({ 上: 0.9, 中: 0, 下: 0.1 });
  });
  it('nothing where the detector found no candidate of the type', () => {
    expect(weighed('1、右', '右肺见一钙化灶。', false)).toEqual({});
  });
  it('nothing where the sentence names a place, none is attended, or after the level', () => {
    expect(weighed('1、右', '右肺上叶见一实性结节。', true)).toEqual({});
    expect(weighed('1、右', undefined, false)).toEqual({});
    expect(weighed('1、右上', '右肺见一实性结节影。', false)).toEqual({});
  });
});
