/** Item numbers in sequence while decoding (itemNumberConstraint.ts, decode's `constrain`), against a hand-made vocabulary and a scripted model. */
import { describe, expect, it } from 'vitest';
import { decode } from '../../src/inference/decode.ts';
import { endsWithNumber, itemNumbering, itemsOwed, renumbered } from '../../src/inference/itemNumberConstraint.ts';
import { decodingGrammars } from '../../src/inference/summarizer.ts';
import { buildTokenizerJson, loadTokenizer } from '../../src/text/tokenizer.ts';
import { scriptedModel } from '../helpers/scriptedModel.ts';

// A WordPiece-like character vocabulary: 2 BOS, 3 EOS, 4 "1", 5 "2", 6 "3", 7 "4", 8 "##0", 9 、, 10 a, 11 。, 12 约.
const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '1', '2', '3', '4', '##0', '、', 'a', '。', '约'];
const encode = (text: string) => [...text].map((c, i) => Math.max(1, VOCAB.indexOf(/\d/.test(c) && /\d/.test(text[i - 1] ?? '') ? `##${c}` : c)));
const numbering = itemNumbering(encode, VOCAB)!;
/** Every token 0.05, "2" 0.1 and "3" 0.2 (not a distribution: the function only moves mass). */
const PROBS = Float32Array.from(VOCAB, (t) => (t === '2' ? 0.1 : t === '3' ? 0.2 : 0.05));
const after = (text: string) => Array.from(renumbered(numbering, encode(text), PROBS), (p) => Math.round(p * 100) / 100);
const UNCHANGED = Array.from(PROBS, (p) => Math.round(p * 100) / 100);

describe('endsWithNumber', () => {
  it('right after an item\'s number, at the start or after an item\'s end; not inside it nor after its text', () => {
    expect(['1、', 'a。2、', 'a。a。3、', 'a。a。a。a。a。a。a。a。a。10、'].map((t) => endsWithNumber(numbering, encode(t)))).toEqual([true, true, true, true]);
    expect(['', '1', '1、a', 'a。', 'a。2', '2a。3、a', 'a。5、'].map((t) => endsWithNumber(numbering, encode(t)))).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('itemNumbering', () => {
  it('reads the end of an item, the numbers\' tokens and which tokens begin a number', () => {
    expect(numbering.end).toBe(11);
    expect([numbering.marker(2), numbering.marker(10)]).toEqual([[5, 9], [4, 8, 9]]);
    expect([4, 5, 6, 7, 8, 10].map(numbering.beginsNumber)).toEqual([true, true, true, true, false, false]);
  });
  it('is undefined when "。" is not one token', () => {
    expect(itemNumbering((text) => [...text].map(() => 1).concat(1), VOCAB)).toBeUndefined();
  });
  it('is read from a model\'s tokenizer; brackets need passages', () => {
    const tokenizer = loadTokenizer(buildTokenizerJson(['1、右肺结节（约12mm）。2、钙化。']));
    const grammars = decodingGrammars(tokenizer);
    expect(grammars.items!.marker(2)).toEqual(tokenizer.encode('2、'));
    expect(grammars.brackets).toBeUndefined();
    expect(decodingGrammars(tokenizer, [tokenizer.encode('结节（约12mm）')]).brackets!.inside.size).toBe(4);
  });
});

describe('renumbered', () => {
  it('leaves a summary alone until it has numbered its first item, and one that did not number it but for its numbers', () => {
    for (const text of ['', '1', 'a。a', '1、a']) expect(after(text)).toEqual(UNCHANGED);
    // After an item of an unnumbered summary, no number begins ("1" to "4"); "##0" and the rest stay.
    expect(after('a。')).toEqual(UNCHANGED.map((p, id) => (id >= 4 && id <= 7 ? 0 : p)));
    // Nor where the vocabulary has no token for the next number ("5" is not in it).
    expect(after('1、a。2、a。3、a。4、a。')).toEqual(UNCHANGED);
  });
  it('at the start of a later item: every number\'s probability goes to the next number', () => {
    // "1" 0.05 + "2" 0.1 + "3" 0.2 + "4" 0.05 = 0.4 on "2".
    expect(after('1、a。')).toEqual(UNCHANGED.map((p, id) => (id === 5 ? 0.4 : [4, 6, 7].includes(id) ? 0 : p)));
    expect(after('1、a。2、a。')).toEqual(UNCHANGED.map((p, id) => (id === 6 ? 0.4 : [4, 5, 7].includes(id) ? 0 : p)));
    // Numbers inside an item are no item numbers; an item that was not numbered does not count.
    expect(after('1、约12a。')).toEqual(after('1、a。'));
    expect(after('1、a。a。')).toEqual(after('1、a。'));
  });
  it('inside the next number: its next token is certain; after it, the model\'s own', () => {
    const only = (id: number) => VOCAB.map((_, i) => (i === id ? 1 : 0));
    expect(after('1、a。2')).toEqual(only(9));
    expect(after(`${Array.from({ length: 9 }, (_, i) => `${i + 1}、a。`).join('')}1`)).toEqual(only(8));
    expect(after('1、a。2、')).toEqual(UNCHANGED);
    expect(after('1、a。2、a3')).toEqual(UNCHANGED);
  });
  it('with a minimum item count: everything before it goes to the next number (the end too); at it, the model\'s own; the summary begins with "1、"', () => {
    const atLeast = (text: string, items: number) => Array.from(renumbered(numbering, encode(text), PROBS, items), (p) => Math.round(p * 100) / 100);
    // All of it, 11 × 0.05 + 0.1 + 0.2 = 0.85, on the next number while fewer than three items are written.
    expect(atLeast('1、a。', 3)).toEqual(UNCHANGED.map((_, id) => (id === 5 ? 0.85 : 0)));
    expect(atLeast('1、a。2、a。', 3)).toEqual(UNCHANGED.map((_, id) => (id === 6 ? 0.85 : 0)));
    expect(atLeast('1、a。2、a。', 2)).toEqual(after('1、a。2、a。'));
    // Only at the start of an item of a numbered summary.
    for (const text of ['a。', '1、a', '1、a。2']) expect(atLeast(text, 3)).toEqual(after(text));
    // And the summary begins numbered: "1", then "、" (without a count, the model's own: the first test).
    const only = (id: number) => VOCAB.map((_, i) => (i === id ? 1 : 0));
    expect([atLeast('', 2), atLeast('1', 2)]).toEqual([only(4), only(9)]);
  });
});

describe('decode with item numbers in sequence', () => {
  // After each "。" the model prefers "3" (0.5) to "2" (0.3) and the end (0.2).
  const model = scriptedModel(VOCAB.length, { 2: { 4: 1 }, 4: { 9: 1 }, 9: { 10: 1 }, 10: { 11: 1 }, 11: { 6: 0.5, 5: 0.3, 3: 0.2 }, 5: { 9: 1 }, 6: { 9: 1 }, 7: { 9: 1 } });
  const options = { bos: 2, eos: 3, maxLength: 16, beamSize: 1, lengthPenalty: 0 };
  const text = (ids: number[]) => ids.map((id) => VOCAB[id]).join('');
  it('unconstrained, greedy skips to 3 and repeats it; renumbered, it counts 1, 2, 3, 4 with the model\'s probability of a new item', async () => {
    expect(text((await decode(model, options)).map((r) => r.id))).toBe('1、a。3、a。3、a。3、a。');
    for (const beamSize of [1, 2]) {
      const tokens = await decode(model, { ...options, beamSize, constrain: (prefix, probs) => renumbered(numbering, prefix, probs) });
      expect(text(tokens.map((r) => r.id))).toBe('1、a。2、a。3、a。4、a。');
      expect(tokens.reduce((s, r) => s + r.logProb, 0)).toBeCloseTo(3 * Math.log(0.8), 5);
    }
  });
  it('a model that would end after one item writes as many as asked for, then ends where it prefers', async () => {
    // After "。" it prefers the end (0.6) to "2" (0.3) and "3" (0.1); after "3、…。" it always ends.
    const early = scriptedModel(VOCAB.length, { 2: { 4: 1 }, 4: { 9: 1 }, 9: { 10: 1 }, 10: { 11: 1 }, 11: { 3: 0.6, 5: 0.3, 6: 0.1 }, 5: { 9: 1 }, 6: { 9: 1 } });
    for (const beamSize of [1, 2]) {
      const run = (items?: number) => decode(early, { ...options, beamSize, constrain: (prefix, probs) => renumbered(numbering, prefix, probs, items) });
      expect(text((await run()).map((r) => r.id))).toBe('1、a。');
      expect(text((await run(3)).map((r) => r.id))).toBe('1、a。2、a。3、a。');
    }
  });
});

describe('itemsOwed', () => {
  it('counts the sentences rated salient or describing a finding, and none without ratings', () => {
    const sentences = ['左肺上叶见一实性结节影，直径约12mm。', '右肺上叶肺组织透亮度增加，范围约40mm。', '气管及主支气管通畅。'];
    expect(itemsOwed([true, false, false], sentences)).toBe(2);
    expect(itemsOwed([false, false, true], sentences)).toBe(3);
    expect(itemsOwed([], sentences)).toBe(0);
  });
});
