/**
 * Findings read from the image join the input as sentences of their own after the text's: always kept whole,
 * the text giving way; each read back as the finding it stands for.
 */
import { describe, expect, it } from 'vitest';
import { describedFinding } from '../../src/corpus/factExtractor.ts';
import { inputWithSentences } from '../../src/inference/decoderContext.ts';
import { imagedSentence } from '../../src/inference/omittedEmphysema.ts';
import { namedFindings } from '../../src/inference/textMatchedRanking.ts';
import { sentenceSpans } from '../../src/text/sentences.ts';

// One id per character, as the tokenizer gives Chinese text.
const encode = (text: string) => [...text].map((c) => c.codePointAt(0)!);
const decode = (ids: number[]) => String.fromCodePoint(...ids);

describe('inputWithSentences', () => {
  it('is the text alone, cut to the length, where nothing is added', () => {
    expect(inputWithSentences(encode, '胸廓对称。', [], 32)).toEqual({ ids: encode('胸廓对称。'), textLength: 5 });
    expect(inputWithSentences(encode, '胸廓对称。', [], 3)).toEqual({ ids: encode('胸廓对'), textLength: 3 });
  });
  it('puts the added sentences after a text that ends one', () => {
    const { ids, textLength } = inputWithSentences(encode, '胸廓对称。', ['甲乙。'], 32);
    expect(decode(ids)).toBe('胸廓对称。甲乙。');
    expect(textLength).toBe(5);
  });
  it('ends the text’s last sentence first where it has no end, so the added one stays its own', () => {
    const { ids, textLength } = inputWithSentences(encode, '胸廓对称', ['甲乙。'], 32);
    expect(decode(ids)).toBe('胸廓对称。甲乙。');
    expect(textLength).toBe(5);
    expect(sentenceSpans(decode(ids).split(''), '。')).toEqual([[0, 5], [5, 8]]);
  });
  it('cuts the text, not the added sentences, where both do not fit, and ends what is left', () => {
    // 8 of room: 3 for "甲乙。", 1 for the end, 4 of the text.
    const { ids, textLength } = inputWithSentences(encode, '胸廓对称。气管通畅。', ['甲乙。'], 8);
    expect(decode(ids)).toBe('胸廓对称。甲乙。');
    expect(textLength).toBe(5);
    expect(decode(inputWithSentences(encode, '胸廓对称，气管通畅。', ['甲乙。'], 8).ids)).toBe('胸廓对称。甲乙。');
  });
  it('is the added sentences alone for an empty text', () => {
    expect(inputWithSentences(encode, '', ['甲乙。', '丙。'], 32)).toEqual({ ids: encode('甲乙。丙。'), textLength: 0 });
  });
});

describe('imagedSentence', () => {
  it('says emphysema at the lobe in the findings text’s words, and reads back as it', () => {
    const sentence = imagedSentence({ type: 'emphysema', place: '左肺上叶' });
    expect(sentence).toBe('左肺上叶透亮度增高，见多发低密度无壁区。');
    expect(describedFinding(sentence)).toEqual({ type: 'emphysema', place: '左肺上叶' });
    // So a text with it names emphysema there, and the image reads nothing more on that side.
    expect(namedFindings(`胸廓对称。${sentence}`)).toEqual([{ type: 'emphysema', place: '左肺上叶' }]);
  });
});
