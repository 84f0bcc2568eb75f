/** An item's lobe weighed by the pointing attention where the text omits it (pointedLobeConstraint.ts), by hand. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/inference/decode.ts';
import { lobeShares, sentenceSide, weighedByPointing, type RegionLobeTable } from '../../src/inference/pointedLobeConstraint.ts';
import { placeTokens } from '../../src/inference/textPlaceConstraint.ts';
import { scriptedModel } from '../helpers/scriptedModel.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '、', '左', '右', '上', '中', '下', '肺', '叶', '。', '侧'];
const tokens = placeTokens(VOCAB)!;
const encode = (text: string) => [...text].map((c) => VOCAB.indexOf(c));

// Three regions; lobes in LOBES order: 右肺上叶, 右肺中叶, 右肺下叶, 左肺上叶, 左肺下叶.
const TABLE: RegionLobeTable = {
  lobes: 5,
  table: [
    0.7, 0.2, 0.1, 0, 0, // region 0: mostly right upper
    0, 0, 0.2, 0, 0.8, // region 1: left lower, some right lower
    0, 0, 0, 0.6, 0.4, // region 2: left upper, some left lower
  ],
};

describe('lobeShares', () => {
  it('Σ_r a_r P(lobe | r), normalised', () => {
    // a = (0.5, 0.3, 0.2): right upper 0.35, middle 0.10, lower 0.05 + 0.06 = 0.11, left upper 0.12, left lower 0.24 + 0.08 = 0.32; total 1.
    const shares = lobeShares([0.5, 0.3, 0.2], TABLE);
    [0.35, 0.1, 0.11, 0.12, 0.32].forEach((s, i) => expect([...shares.values()][i]).toBeCloseTo(s, 6));
  });
  it('over the given lobes only; all 0 where they have no mass', () => {
    // Left only, a = (0.5, 0.3, 0.2): 0.12 and 0.32 of 0.44.
    const left = lobeShares([0.5, 0.3, 0.2], TABLE, ['左肺上叶', '左肺下叶']);
    expect(left.get('左肺上叶')).toBeCloseTo(0.12 / 0.44, 6);
    expect(left.get('左肺下叶')).toBeCloseTo(0.32 / 0.44, 6);
    expect([...lobeShares([1, 0, 0], TABLE, ['左肺上叶', '左肺下叶']).values()]).toEqual([0, 0]);
  });
});

describe('sentenceSide', () => {
  it('the side a lobe-less sentence names; none for 肺内 / 肺野内', () => {
    expect(sentenceSide('右肺见一实性结节影，直径约12mm。')).toBe('右');
    expect(sentenceSide('左肺见空洞。')).toBe('左');
    expect(sentenceSide('肺野内见一磨玻璃结节。')).toBeUndefined();
  });
});

describe('weighedByPointing', () => {
  const ones = new Float32Array(VOCAB.length).fill(1);
  const weighed = (text: string, sentence: string | undefined, namesPlace: boolean, attention: number[]) => {
    const out = weighedByPointing(tokens, encode(text), ones, sentence, namesPlace, attention, TABLE);
    return Object.fromEntries([...out].flatMap((p, i) => (p === 1 ? [] : [[VOCAB[i]!, Number(p.toFixed(4))]])));
  };
  it('a sentence without place: sides by their lobes\' shares, then levels by their lobe\'s share on the side written', () => {
    // a = (0.5, 0.3, 0.2): right 0.56, left 0.44.
    expect(weighed('1、', '肺内见一结节。', false, [0.5, 0.3, 0.2])).toEqual({ 右: 0.56, 左: 0.44 });
    // On the right: 0.35, 0.10, 0.11 of 0.56.
    expect(weighed('1、右', '肺内见一结节。', false, [0.5, 0.3, 0.2])).toEqual({ 上: 0.625, 中: 0.1786, 下: 0.1964 });
    expect(weighed('1、右肺', '肺内见一结节。', false, [0.5, 0.3, 0.2])).toEqual({ 上: 0.625, 中: 0.1786, 下: 0.1964 });
    // On the left there is no middle lobe.
    expect(weighed('1、左肺', '肺内见一结节。', false, [0.5, 0.3, 0.2])).toEqual({ 上: 0.2727, 中: 0, 下: 0.7273 });
  });
  it('the side the sentence names keeps the other side out', () => {
    expect(weighed('1、', '右肺见一结节。', false, [0, 1, 0])).toEqual({ 左: 0 });
  });
  it('the model\'s own where the sentence names a place, where none is attended, after the level, and where the lobes have no mass', () => {
    expect(weighed('1、', '右肺中叶见一结节。', true, [0, 0, 1])).toEqual({});
    expect(weighed('1、', undefined, false, [0, 0, 1])).toEqual({});
    expect(weighed('1、左上', '肺内见一结节。', false, [0, 0, 1])).toEqual({});
    expect(weighed('1、', '右肺见一结节。', false, [0, 0, 1])).toEqual({});
  });
});

describe('decode with lobes weighed by the pointing attention', () => {
  // After "、" the model prefers 右 (0.6) to 左 (0.4); after either, 中 (0.6) to 上 (0.4). It points at region 2 (left upper 0.6, left lower 0.4).
  const id = (c: string) => VOCAB.indexOf(c);
  const next: Record<number, Record<number, number>> = { 2: { [id('1')]: 1 }, [id('1')]: { [id('、')]: 1 }, [id('、')]: { [id('右')]: 0.6, [id('左')]: 0.4 }, [id('右')]: { [id('中')]: 0.6, [id('上')]: 0.4 }, [id('左')]: { [id('中')]: 0.6, [id('上')]: 0.4 }, [id('上')]: { [id('叶')]: 1 }, [id('中')]: { [id('叶')]: 1 }, [id('叶')]: { 3: 1 } };
  const model = scriptedModel(VOCAB.length, next, { visual: [0, 0, 1] });
  const text = (ids: number[]) => ids.map((i) => VOCAB[i]).join('');
  it('the step\'s visual attention reaches the constraint: the side and level it points at win over the model\'s', async () => {
    for (const beamSize of [1, 2]) {
      const options = { bos: 2, eos: 3, maxLength: 8, beamSize, lengthPenalty: 0 };
      expect(text((await decode(model, options)).map((r) => r.id))).toBe('1、右中叶');
      const weighed = await decode(model, { ...options, constrain: (prefix, probs, attended) => weighedByPointing(tokens, prefix, probs, '肺内见一结节。', false, attended.visualAttention!, TABLE) });
      expect(text(weighed.map((r) => r.id))).toBe('1、左上叶');
      // 左: 0.4 × 1; 上: 0.4 × 0.6.
      expect(weighed.reduce((s, r) => s + r.logProb, 0)).toBeCloseTo(Math.log(0.4) + Math.log(0.4 * 0.6), 5);
    }
  });
});
