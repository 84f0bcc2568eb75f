/** An item's place as its input sentence gives it (textPlaceConstraint.ts, decode's `constrain`), against a hand-made vocabulary. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/inference/decode.ts';
import { namedPlaces, placedAsText, placeTokens, sentencePlaces } from '../../src/inference/textPlaceConstraint.ts';
import { attendedSentence } from '../../src/text/sentences.ts';
import type { Location } from '../../src/corpus/schema.ts';
import { scriptedModel } from '../helpers/scriptedModel.ts';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '2', '、', '左', '右', '上', '中', '下', '肺', '叶', '结', '。', '侧'];
const id = (c: string) => VOCAB.indexOf(c);
const encode = (text: string) => [...text].map(id);
const tokens = placeTokens(VOCAB)!;
/** Every token 0.05 (not a distribution: the constraint only removes mass). */
const PROBS = new Float32Array(VOCAB.length).fill(0.05);
/** The tokens the constraint zeroes after `text` with the item's place one of `places`. */
const zeroed = (text: string, ...places: Location[]) => [...placedAsText(tokens, encode(text), PROBS, places)].flatMap((p, i) => (p === 0 ? [VOCAB[i]] : []));

describe('placeTokens and sentencePlaces', () => {
  it('reads the sides, levels, 肺 and 。 of a vocabulary; undefined when one is missing', () => {
    expect([...tokens.side]).toEqual([[7, '左'], [8, '右']]);
    expect([...tokens.level]).toEqual([[9, '上'], [10, '中'], [11, '下']]);
    expect([tokens.lung, tokens.end]).toEqual([12, 15]);
    expect(placeTokens(VOCAB.filter((t) => t !== '中'))).toBeUndefined();
  });
  it('reads each sentence\'s place as the fact extractor does; none where it names none', () => {
    expect(sentencePlaces(['右肺中叶外侧段见一实性结节影。', '左侧胸腔见液性密度影。', '见一磨玻璃密度结节。', '右上肺见空洞。'])).toEqual(['右肺中叶', '左侧胸腔', undefined, '右肺上叶']);
  });
});

describe('placedAsText', () => {
  it('before an item\'s first side, only the sentence\'s side', () => {
    expect(zeroed('', '右肺中叶')).toEqual(['左']);
    expect(zeroed('1、', '左肺下叶')).toEqual(['右']);
    // A new item starts after 。 and is kept again.
    expect(zeroed('1、右肺中叶结。2、', '左肺上叶')).toEqual(['右']);
  });
  it('right after the side, or after it and 肺, only the sentence\'s level', () => {
    expect(zeroed('1、右', '右肺中叶')).toEqual(['上', '下']);
    expect(zeroed('1、右肺', '右肺中叶')).toEqual(['上', '下']);
    expect(zeroed('左', '左肺下叶')).toEqual(['上', '中']);
  });
  it('elsewhere the model\'s own: after the level, for a pleural side, and with no place', () => {
    expect(zeroed('1、右肺中', '右肺中叶')).toEqual([]);
    expect(zeroed('1、右肺中叶结', '右肺中叶')).toEqual([]);
    expect(zeroed('1、左', '左侧胸腔')).toEqual([]);
    expect(zeroed('1、')).toEqual([]);
    expect(zeroed('1、右')).toEqual([]);
  });
  it('with several places, any of their sides, then any of their levels on the side written', () => {
    expect(zeroed('1、', '右肺中叶', '左肺下叶')).toEqual([]);
    expect(zeroed('1、', '右肺中叶', '右肺下叶')).toEqual(['左']);
    expect(zeroed('1、右', '右肺中叶', '右肺下叶', '左肺上叶')).toEqual(['上']);
    expect(zeroed('1、左肺', '右肺中叶', '左肺下叶')).toEqual(['上', '中']);
    // A pleural side and a lobe on it: the lobe's level, or "侧" (not a level).
    expect(zeroed('1、右', '右侧胸腔', '右肺上叶')).toEqual(['中', '下']);
  });
});

describe('namedPlaces', () => {
  const [nodule, effusion, normal] = ['右肺中叶见一实性结节影，直径约12mm。', '左侧胸腔见液性密度影，深约30mm。', '心脏大小、形态未见异常。'];
  it('every place the sentences name, once, where each sentence that describes a finding names one', () => {
    expect(namedPlaces([nodule, normal, nodule, effusion], [true, false, true, false])).toEqual(['右肺中叶', '左侧胸腔']);
  });
  it('none where a salient sentence names none (the text omits that finding\'s lobe)', () => {
    expect(namedPlaces([nodule, '见一磨玻璃结节影。'], [true, true])).toEqual([]);
  });
  it('a sentence with a size describes a finding though the model rates it not salient', () => {
    expect(namedPlaces([nodule, '肺野内肺组织透亮度增加，范围约48mm。'], [true, false])).toEqual([]);
    expect(namedPlaces([nodule, '肺组织透亮度增加。'], [true, false])).toEqual(['右肺中叶']);
  });
  it('a text that names no place', () => {
    expect(namedPlaces([normal, '主诉：咳嗽3天。'], [false, false])).toEqual([]);
  });
});

describe('decode with places as the text gives them', () => {
  // After "、" the model prefers 左 (0.6) to 右 (0.4); after either, 上 (0.7) to 中 (0.3); its sentence attention is on sentence 1.
  const next: Record<number, Record<number, number>> = { 2: { [id('1')]: 1 }, [id('1')]: { [id('、')]: 1 }, [id('、')]: { [id('左')]: 0.6, [id('右')]: 0.4 }, [id('左')]: { [id('上')]: 0.7, [id('中')]: 0.3 }, [id('右')]: { [id('上')]: 0.7, [id('中')]: 0.3 }, [id('上')]: { [id('叶')]: 1 }, [id('中')]: { [id('叶')]: 1 }, [id('叶')]: { 3: 1 } };
  const model = scriptedModel(VOCAB.length, next, { sentences: [0.3, 0.7] });
  const text = (ids: number[]) => ids.map((i) => VOCAB[i]).join('');
  const places: (Location | undefined)[] = [undefined, '右肺中叶'];
  it('writes the restated sentence\'s lobe where the model prefers another, and the model\'s own where the sentence names none', async () => {
    for (const beamSize of [1, 2]) {
      const options = { bos: 2, eos: 3, maxLength: 8, beamSize, lengthPenalty: 0 };
      expect(text((await decode(model, options)).map((r) => r.id))).toBe('1、左上叶');
      const kept = await decode(model, { ...options, constrain: (prefix, probs, attended) => placedAsText(tokens, prefix, probs, [places[attendedSentence(attended.sentenceAttention)]].filter((p) => p !== undefined)) });
      expect(text(kept.map((r) => r.id))).toBe('1、右中叶');
      expect(kept.reduce((s, r) => s + r.logProb, 0)).toBeCloseTo(Math.log(0.4) + Math.log(0.3), 5);
      const unplaced = await decode(model, { ...options, constrain: (prefix, probs, attended) => placedAsText(tokens, prefix, probs, [[places[1]!], []][attendedSentence(attended.sentenceAttention)]!) });
      expect(text(unplaced.map((r) => r.id))).toBe('1、左上叶');
    }
  });
});
