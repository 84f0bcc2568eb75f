/** An item's lobe weighed by the lobes at the lesion detector's peak where the text omits it (lesionLobeConstraint.ts), and emphysema the text omits (omittedEmphysema.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { FINDING_TYPES } from '../../src/corpus/schema.ts';
import { lesionLobeShares, lesionPeak, lobesNamedFor, weighedByLesions, weighedByFindings } from '../../src/inference/lesionLobeConstraint.ts';
import { omittedEmphysema } from '../../src/inference/omittedEmphysema.ts';
import { namedFindings } from '../../src/inference/textMatchedRanking.ts';
import type { LungLobeTable } from '../../src/inference/lesions/lungLobes.ts';
import type { StudyLesions } from '../../src/inference/lesions/regionLesions.ts';
import { placeTokens } from '../../src/inference/textPlaceConstraint.ts';
import { unwrittenFindingsOf } from '../../src/inference/unwrittenFindings.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '、', '左', '右', '上', '中', '下', '肺', '叶', '。', '侧'];
const tokens = placeTokens(VOCAB)!;
const encode = (text: string) => [...text].map((c) => VOCAB.indexOf(c));

// Four candidates on a 4-slice, 8 × 8 grid: columns 0–3 are the patient's right (the image's left half), 4–7 the left.
// Each candidate's probabilities: solid nodule and ground-glass nodule as given, every other type 0.
const CANDIDATES = [{ z: 0, y: 1, x: 1 }, { z: 3, y: 2, x: 2 }, { z: 2, y: 1, x: 5 }, { z: 0, y: 6, x: 6 }];
const SOLID_GGN = [[0.6, 0.3], [0.2, 0.1], [0.3, 0.9], [0.5, 0.2]];
const classes = FINDING_TYPES.length + 1;
const PROBS = new Float32Array(4 * classes);
SOLID_GGN.forEach(([solid, ggn], i) => {
  PROBS[i * classes + 1 + FINDING_TYPES.indexOf('solid-nodule')] = solid!;
  PROBS[i * classes + 1 + FINDING_TYPES.indexOf('ground-glass-nodule')] = ggn!;
});
// Both lungs span the whole grid: a candidate's position is ((z + 0.5) / 4, (y + 0.5) / 8).
const LUNG = { z0: -0.5, z1: 3.5, y0: -0.5, y1: 7.5 };
const STUDY: StudyLesions = { grid: { depth: 4, height: 8, width: 8 }, candidates: CANDIDATES, probs: PROBS, lungs: [LUNG, LUNG], lowAttenuation: [[], []] };
// 2 × 2 cells per side, lobes in LOBES order (右肺上叶, 右肺中叶, 右肺下叶, 左肺上叶, 左肺下叶); [side][slice cell][row cell].
const TABLE: LungLobeTable = {
  cells: 2,
  counts: [
    0, 1, 3, 0, 0, /* right, low, front: candidate 0 */ 0, 0, 0, 0, 0, /* right, low, back */
    4, 0, 0, 0, 0, /* right, high, front: candidate 1 */ 1, 0, 1, 0, 0, /* right, high, back */
    0, 0, 0, 0, 1, /* left, low, front */ 0, 0, 0, 0, 2, /* left, low, back: candidate 3 */
    0, 0, 0, 9, 1, /* left, high, front: candidate 2 */ 0, 0, 0, 0, 0, /* left, high, back */
  ],
};

describe('lesionPeak', () => {
  it('the candidate with the largest probability of the type on the side', () => {
    expect(lesionPeak(STUDY, 'solid-nodule', '右')).toBe(0); // 0.6 beats 0.2
    expect(lesionPeak(STUDY, 'solid-nodule', '左')).toBe(3); // 0.5 beats 0.3
    expect(lesionPeak(STUDY, 'ground-glass-nodule', '左')).toBe(2); // 0.9
  });
  it('without a type, the largest of any type; without a side, among all candidates', () => {
    expect(lesionPeak(STUDY, undefined, '右')).toBe(0); // 0.6 beats 0.3, 0.2
    expect(lesionPeak(STUDY, 'solid-nodule', undefined)).toBe(0); // 0.6 beats 0.5
  });
  it('none where the detector found no candidate of the type', () => {
    expect(lesionPeak(STUDY, 'calcification', '右')).toBeUndefined();
  });
});

describe('lesionLobeShares', () => {
  it('the side\'s lobes\' shares in the peak\'s cell of its lung', () => {
    expect(Object.fromEntries(lesionLobeShares(STUDY, TABLE, 'solid-nodule', '右')!)).toEqual({ 右肺上叶: 0, 右肺中叶: 0.25, 右肺下叶: 0.75 });
    expect(Object.fromEntries(lesionLobeShares(STUDY, TABLE, 'ground-glass-nodule', undefined)!)).toEqual({ 左肺上叶: 0.9, 左肺下叶: 0.1 });
  });
  it('emphysema: the mean of the shares at the side\'s low-attenuation voxels, on either side where none is named', () => {
    const study = { ...STUDY, lowAttenuation: [[[0.2, 0.2], [0.8, 0.2]], []] as [number, number][][] };
    const expected = { 右肺上叶: 0.5, 右肺中叶: 0.125, 右肺下叶: 0.375 }; // (0, 0.25, 0.75) and (1, 0, 0)
    expect(Object.fromEntries(lesionLobeShares(study, TABLE, 'emphysema', '右')!)).toEqual(expected);
    expect(Object.fromEntries(lesionLobeShares(study, TABLE, 'emphysema', undefined)!)).toEqual(expected);
    // None on the left: the detector's peak, and there is no emphysema candidate.
    expect(lesionLobeShares(study, TABLE, 'emphysema', '左')).toBeUndefined();
  });
  it('none where the peak\'s side has no lung, or there is no peak', () => {
    expect(lesionLobeShares({ ...STUDY, lungs: [undefined, LUNG] }, TABLE, 'solid-nodule', '右')).toBeUndefined();
    expect(lesionLobeShares(STUDY, TABLE, 'calcification', undefined)).toBeUndefined();
  });
});

describe('a finding the text leaves unplaced, away from the lobes it names for the type', () => {
  it('lobesNamedFor: the lobes of the sentences of that type; a side alone, or another type, names none', () => {
    const sentences = ['左肺上叶见一实性结节影。', '右肺见一实性结节影。', '右肺下叶见一磨玻璃结节。', '左肺上叶前段见一实性结节。'];
    expect(lobesNamedFor('solid-nodule', sentences)).toEqual(['左肺上叶']);
    expect(lobesNamedFor('ground-glass-nodule', sentences)).toEqual(['右肺下叶']);
    expect(lobesNamedFor('mass', sentences)).toEqual([]);
  });
  it('each candidate weighed by the share of the other lobes at its place; the shares without the excluded lobes', () => {
    // Left: candidate 3 (0.5) lies wholly in 左肺下叶 (× 0); candidate 2 (0.3, × 0.9) is the peak, read without 左肺下叶.
    expect(Object.fromEntries(lesionLobeShares(STUDY, TABLE, 'solid-nodule', '左', ['左肺下叶'])!)).toEqual({ 左肺上叶: 1 });
    // Right: candidate 0 (0.6 × 0.25 = 0.15) loses to candidate 1 (0.2 × 1), in 右肺上叶.
    expect(Object.fromEntries(lesionLobeShares(STUDY, TABLE, 'solid-nodule', '右', ['右肺下叶'])!)).toEqual({ 右肺上叶: 1, 右肺中叶: 0 });
    // No side: candidate 3 (0.5, nothing excluded on the left) beats 1 (0.2) and 0 (0.15).
    expect(Object.fromEntries(lesionLobeShares(STUDY, TABLE, 'solid-nodule', undefined, ['右肺下叶'])!)).toEqual({ 左肺上叶: 0, 左肺下叶: 1 });
  });
  it('emphysema: its low-attenuation shares without the excluded lobes; none where they are all excluded', () => {
    const study = { ...STUDY, lowAttenuation: [[[0.2, 0.2], [0.8, 0.2]], []] as [number, number][][] };
    expect(Object.fromEntries(lesionLobeShares(study, TABLE, 'emphysema', '右', ['右肺上叶'])!)).toEqual({ 右肺中叶: 0.25, 右肺下叶: 0.75 });
    expect(lesionLobeShares(study, TABLE, 'emphysema', '右', ['右肺上叶', '右肺中叶', '右肺下叶'])).toBeUndefined();
  });
  it('weighedByLesions reads the other sentences: the level by candidate 1, not the placed nodule\'s candidate 0', () => {
    const ones = new Float32Array(VOCAB.length).fill(1);
    const out = weighedByLesions(tokens, encode('1、右'), ones, '右肺见一实性结节影。', false, STUDY, TABLE, ['右肺下叶见一实性结节影。', '右肺见一实性结节影。']);
    expect(Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, p]])))).toEqual({ 中: 0, 下: 0 });
  });
});

describe('weighedByLesions', () => {
  const ones = new Float32Array(VOCAB.length).fill(1);
  const weighed = (text: string, sentence: string | undefined, namesPlace: boolean) => {
    const out = weighedByLesions(tokens, encode(text), ones, sentence, namesPlace, STUDY, TABLE);
    return Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, Number(p.toFixed(4))]])));
  };
  it('a right-sided solid nodule without its lobe: the level by the lobes at candidate 0, the detector\'s solid-nodule peak on the right', () => {
    expect(weighed('1、右', '右肺见一实性结节影。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('a ground-glass nodule with no side: the side by the detector\'s ground-glass peak (candidate 2, left upper), then the level on the side written', () => {
    expect(weighed('1、', '肺内见一磨玻璃结节。', false)).toEqual({ 右: 0 }); // 左 keeps its probability (× 1)
    expect(weighed('1、左', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0.9, 中: 0, 下: 0.1 });
    // Written on the right all the same: the peak is looked for on the right (candidate 0).
    expect(weighed('1、右', '肺内见一磨玻璃结节。', false)).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('the type as the findings text words it: 混杂磨玻璃密度结节 is part-solid (no candidate here: nothing), not ground-glass (candidate 2)', () => {
    expect(weighed('1、左', '左肺见一混杂磨玻璃密度结节。', false)).toEqual({});
    expect(weighed('1、左', '左肺见一磨玻璃密度结节。', false)).toEqual({ 上: 0.9, 中: 0, 下: 0.1 });
  });
  it('right after the item\'s number, a side only, weighed by the shares; not where the detector gives no lobe', () => {
    const sides = (sentence: string) => {
      const out = weighedByLesions(tokens, encode('1、'), ones, sentence, false, STUDY, TABLE, [], true);
      return Object.fromEntries([...out].flatMap((p, i) => (p > 0 ? [[VOCAB[i]!, p]] : [])));
    };
    expect(sides('肺内见一磨玻璃结节。')).toEqual({ 左: 1 }); // candidate 2, left upper
    expect(Object.keys(sides('右肺见一钙化灶。'))).toHaveLength(VOCAB.length); // no calcification candidate: the model's own
  });
  it('after the item\'s "右肺", a level only, weighed as right after "右"', () => {
    const out = weighedByLesions(tokens, encode('1、右肺'), ones, '右肺见一实性结节影。', false, STUDY, TABLE);
    expect(Object.fromEntries([...out].flatMap((p, i) => (p > 0 ? [[VOCAB[i]!, p]] : [])))).toEqual({ 中: 0.25, 下: 0.75 });
  });
  it('no level forced where the sentence\'s type is unknown: the levels weighed by the surest candidate of any type, nothing else', () => {
    const out = weighedByLesions(tokens, encode('1、右肺'), ones, '右肺门影增大。', false, STUDY, TABLE);
    expect([...out].filter((p) => p === 0)).toHaveLength(1); // only 上, by candidate 0's shares
  });
  it('no level forced for a pleural effusion, nor where the detector gives no lobe', () => {
    const probs = PROBS.slice();
    probs[1 + FINDING_TYPES.indexOf('pleural-effusion')] = 0.7; // candidate 0
    const effusion = weighedByLesions(tokens, encode('1、右肺'), ones, '右侧胸腔见弧形液性密度影。', false, { ...STUDY, probs }, TABLE);
    expect([...effusion].filter((p) => p === 0)).toHaveLength(1); // only 上, by candidate 0's shares
    expect(weighed('1、右肺', '右肺见一钙化灶。', false)).toEqual({});
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

describe('weighedByFindings: the findings an item may be writing, one unplaced, weigh its place', () => {
  const ones = new Float32Array(VOCAB.length).fill(1);
  const weighed = (sentences: string[], written: string, text: string, itemStart = false) => {
    const out = weighedByFindings(tokens, encode(text), ones, unwrittenFindingsOf(sentences, written), STUDY, TABLE, sentences, itemStart);
    return Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, Number(p.toFixed(4))]])));
  };
  // An unplaced solid nodule and one in 左肺上叶, both left to write. Away from 左肺上叶 the detector's solid-nodule
  // peak is candidate 0 (0.6; candidate 3 gives 0.5, candidate 2 0.3 × 0.1): 右肺中叶 0.25, 右肺下叶 0.75.
  const TWO = ['肺内见一实性结节影。', '左肺上叶见一实性结节影。'];
  it('either side is open (each is some finding\'s), but on the left only the placed nodule\'s level', () => {
    expect(weighed(TWO, '', '1、')).toEqual({});
    // weighedByLesions, reading the unplaced sentence alone, would weigh the left's own peak (candidate 3, 左肺下叶).
    expect(weighed(TWO, '', '1、左')).toEqual({ 中: 0, 下: 0 });
    expect(weighed(TWO, '', '1、右')).toEqual({ 上: 0, 中: 0.25, 下: 0.75 });
  });
  it('once the placed nodule is written, the unplaced ground-glass nodule\'s side (its peak: candidate 2, left): S49494-02385\'s case', () => {
    const sentences = ['肺内见一磨玻璃结节。', '右肺下叶见一实性结节影。'];
    expect(weighed(sentences, '', '1、')).toEqual({});
    expect(weighed(sentences, '1、右肺下叶实性结节。', '1、右肺下叶实性结节。2、')).toEqual({ 右: 0 });
  });
  it('a side its sentence names: the detector\'s peak on that side (candidate 3, 左肺下叶)', () => {
    expect(weighed(['左肺见一实性结节影。'], '', '1、')).toEqual({ 右: 0 });
    expect(weighed(['左肺见一实性结节影。'], '', '1、左')).toEqual({ 上: 0, 中: 0 });
  });
  it('right after the number, a side only where the detector places an unplaced finding', () => {
    const kept = (sentences: string[]) => {
      const out = weighedByFindings(tokens, encode('1、'), ones, unwrittenFindingsOf(sentences, ''), STUDY, TABLE, sentences, true);
      return [...out].flatMap((p, i) => (p > 0 ? [VOCAB[i]] : []));
    };
    expect(kept(TWO)).toEqual(['左', '右']);
    expect(kept(['肺内见一钙化灶。'])).toHaveLength(VOCAB.length);
  });
  it('an unplaced finding the detector has no candidate for leaves every lobe open; an unplaced effusion, no level', () => {
    expect(weighed(['肺内见一钙化灶。', '左肺上叶见一实性结节影。'], '', '1、左')).toEqual({ 中: 0 }); // the left lung has no 中叶
    expect(weighed(['胸腔见弧形液性密度影。'], '', '1、右')).toEqual({ 上: 0, 中: 0, 下: 0 });
  });
});

describe('omittedEmphysema', () => {
  // 10 low-attenuation voxels high and in front in the right lung (the table's 右肺上叶 cell), 9 in the left.
  const study = { ...STUDY, lowAttenuation: [Array.from({ length: 10 }, () => [0.8, 0.2]), Array.from({ length: 9 }, () => [0.8, 0.2])] as [number, number][][] };
  const EMPHYSEMA = '透亮度增高，见多发低密度无壁区。';
  it('a side with at least 10 voxels, at its lobe of largest share, where the text names no emphysema there', () => {
    expect(omittedEmphysema(study, TABLE, namedFindings('气管及主支气管通畅。'))).toEqual([{ type: 'emphysema', place: '右肺上叶' }]);
    expect(omittedEmphysema(study, TABLE, namedFindings(`左肺上叶${EMPHYSEMA}`))).toEqual([{ type: 'emphysema', place: '右肺上叶' }]);
  });
  it('none where the text names emphysema on that side, or without a place', () => {
    expect(omittedEmphysema(study, TABLE, namedFindings(`右肺下叶${EMPHYSEMA}`))).toEqual([]);
    expect(omittedEmphysema(study, TABLE, namedFindings(`肺野内${EMPHYSEMA}`))).toEqual([]);
  });
});
