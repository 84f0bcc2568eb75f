/** A later item's place and type among the findings not yet written (unwrittenFindings.ts), with a tokenizer built from impressions' words. */
import { describe, expect, it } from 'vitest';
import { placePhraseIn } from '../../src/corpus/factExtractor.ts';
import { beginsOnly, placesOf, refusedTypes, spellings, unwrittenFindings, unwrittenFindingsOf } from '../../src/inference/unwrittenFindings.ts';
import { placeTokens } from '../../src/inference/textPlaceConstraint.ts';
import { buildTokenizerJson, loadTokenizer } from '../../src/text/tokenizer.ts';

const SENTENCES = ['左肺上叶见一枚实性结节影，直径约24mm。', '右肺下叶见大片状高密度影，累及范围约31mm。', '肺野内透亮度增高，见多发低密度无壁区。', '气管及主支气管通畅。'];

describe('unwrittenFindingsOf and placesOf', () => {
  it('reads each finding sentence\'s type and place, drops those written, and a placeless one written anywhere', () => {
    expect(unwrittenFindingsOf(SENTENCES, '')).toEqual([
      { type: 'solid-nodule', place: '左肺上叶' },
      { type: 'consolidation', place: '右肺下叶' },
      { type: 'emphysema', place: undefined },
    ]);
    expect(unwrittenFindingsOf(SENTENCES, '1、左上肺实性结节。2、左肺上叶肺气肿。')).toEqual([{ type: 'consolidation', place: '右肺下叶' }]);
    // The nodule written at another lobe is not the sentence's.
    expect(unwrittenFindingsOf(SENTENCES.slice(0, 1), '1、右上肺实性结节。')).toHaveLength(1);
  });
  it('a placeless finding is not written by an item at the lobe the text gives another finding of its type (S1-00251)', () => {
    const two = ['肺野内见斑片状实变，累及范围约37mm。', '左肺上叶见片状实变影，范围约37mm。'];
    expect(unwrittenFindingsOf(two, '1、左肺上叶炎性实变影。')).toEqual([{ type: 'consolidation', place: undefined }]);
    expect(unwrittenFindingsOf(two, '1、右肺下叶实变。')).toEqual([{ type: 'consolidation', place: '左肺上叶' }]);
  });
  it('gives places only where every unwritten finding names one', () => {
    expect(placesOf(unwrittenFindingsOf(SENTENCES, ''))).toBeUndefined();
    expect(placesOf(unwrittenFindingsOf(SENTENCES, '1、左肺上叶肺气肿。'))).toEqual(['左肺上叶', '右肺下叶']);
    expect(placesOf([])).toBeUndefined();
  });
});

/** What an item's text writes after its place phrase, or undefined before one. */
const afterPlace = (item: string) => {
  const placed = placePhraseIn(item);
  return placed && item.slice(placed.end);
};

describe('placePhraseIn, beginsOnly and refusedTypes', () => {
  it('reads what follows the earliest, longest place phrase', () => {
    expect(afterPlace('3、左肺上叶肺气')).toBe('肺气');
    expect(afterPlace('3、右下肺')).toBe('');
    expect(afterPlace('3、右')).toBeUndefined();
    expect(placePhraseIn('3、左上肺上叶')).toEqual({ location: '左肺上叶', end: 5 });
  });
  it('refuses a start only a refused type can finish', () => {
    expect(beginsOnly('肺', new Set(['emphysema']))).toBe(true);
    // "实" may still become 实变 (consolidation).
    expect(beginsOnly('实', new Set(['solid-nodule']))).toBe(false);
    expect(beginsOnly('实性', new Set(['solid-nodule']))).toBe(true);
    expect(beginsOnly('多', new Set(['solid-nodule']))).toBe(false);
  });
  it('refuses every type but the unwritten ones at a known place, else the types written there', () => {
    const placed = unwrittenFindingsOf(SENTENCES, '1、左肺上叶肺气肿。');
    expect([...refusedTypes('右肺下叶', placed, [])]).not.toContain('consolidation');
    expect(refusedTypes('右肺下叶', placed, []).has('emphysema')).toBe(true);
    const open = unwrittenFindingsOf(SENTENCES, '');
    expect([...refusedTypes('左肺上叶', open, [{ finding: 'emphysema', location: '左肺上叶', advice: 'none' }])]).toEqual(['emphysema']);
  });
});

describe('unwrittenFindings over a vocabulary', () => {
  const tokenizer = loadTokenizer(buildTokenizerJson(['1、左肺上叶肺气肿改变。2、右下肺实变，约8mm。3、右中肺实性结节或钙化灶。']));
  const vocab = tokenizer.tokens(Array.from({ length: tokenizer.vocabSize }, (_, id) => id));
  const guard = unwrittenFindings(placeTokens(vocab)!, vocab, SENTENCES);
  const UNIFORM = new Float32Array(vocab.length).fill(0.01);
  const kept = (text: string) => vocab.filter((_, k) => guard.constrain(tokenizer.encode(text), UNIFORM)[k]! > 0);
  it('keeps the first item to the findings the text places, and leaves it alone where one names no place', () => {
    // The emphysema sentence names no place: nothing is known yet.
    expect(kept('1、左')).toHaveLength(vocab.length);
    expect(guard.places(tokenizer.encode('1、左'))).toBeUndefined();
    const placed = unwrittenFindings(placeTokens(vocab)!, vocab, SENTENCES.slice(0, 2));
    expect(placed.places(tokenizer.encode('1、'))).toEqual(['左肺上叶', '右肺下叶']);
    expect(vocab.filter((_, k) => placed.constrain(tokenizer.encode('1、'), UNIFORM)[k]! > 0).sort()).toEqual(['右', '左'].sort());
  });
  it('starts a later item on an unwritten finding\'s side, and refuses a type that is not unwritten there', () => {
    const written = '1、左肺上叶肺气肿改变。2、左上肺实性结节，约8mm。3、';
    expect(guard.places(tokenizer.encode(written))).toEqual(['右肺下叶']);
    expect(kept(written)).toEqual(['右']);
    expect(kept(`${written}右`)).not.toContain('上');
    expect(kept(`${written}右下肺`)).not.toContain('肺');
    expect(kept(`${written}右下肺`)).toContain('实');
  });
});

describe('an item for a finding read from the image (the text describes none)', () => {
  const tokenizer = loadTokenizer(buildTokenizerJson(['1、左肺上叶肺气肿改变。2、右下肺实变，约8mm。3、右中肺实性结节或钙化灶。']));
  const vocab = tokenizer.tokens(Array.from({ length: tokenizer.vocabSize }, (_, id) => id));
  const one = tokenizer.encode('1')[0]!;
  const guard = unwrittenFindings(placeTokens(vocab)!, vocab, ['气管及主支气管通畅。'], [{ type: 'emphysema', place: '左肺上叶' }], one);
  const UNIFORM = new Float32Array(vocab.length).fill(0.01);
  const kept = (text: string) => vocab.filter((_, k) => guard.constrain(text ? tokenizer.encode(text) : [], UNIFORM)[k]! > 0).sort();
  it('spells one of its places, then one of its type\'s phrases; the summary begins with it or with "1"', () => {
    expect(spellings({ type: 'emphysema', place: '左肺上叶' })).toEqual(['左肺上叶肺气肿', '左肺上叶肺气肿改变', '左上肺肺气肿', '左上肺肺气肿改变']);
    expect(kept('')).toEqual(['1', '左'].sort());
    expect(kept('左')).toEqual(['上', '肺'].sort());
    expect(kept('1、左肺上叶')).toEqual(['肺']);
  });
  it('leaves its number, and what follows the spelled finding, to the model', () => {
    // Inside the number only the other side is refused (its place's side, as for any item kept to places).
    expect(vocab.filter((token) => !kept('1').includes(token))).toEqual(['右']);
    expect(kept('左肺上叶肺气肿')).toHaveLength(vocab.length);
  });
});
