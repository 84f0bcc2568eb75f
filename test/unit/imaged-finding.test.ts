/**
 * The shipped model with the page's decoding on a study whose findings text leaves its only finding out
 * (emphysema of the left upper lobe, corpus seed 3333, study 91): the model reads it as a sentence after the
 * text, its retriever finds passages about it, the summary writes it, and the result names it as read from
 * the image, once. A study with normal lungs reads nothing from the image.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFacts, findingDescribed } from '../../src/corpus/factExtractor.ts';
import { generateStudy, studyGrid, studyModality } from '../../src/corpus/study.ts';
import { loadModelDir } from '../../src/eval/models.ts';
import { PAGE_DECODING } from '../../src/inference/pageDecoding.ts';
import { detokenize } from '../../src/text/tokenizer.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('emphysema the text leaves out', () => {
  it('is written where its low-attenuation areas lie, and reported as read from the image', async () => {
    const { summarizer } = await loadModelDir('public/models/retrieval');
    const summarize = (s: ReturnType<typeof generateStudy>) => summarizer.summarize({ modality: studyModality(s), grid: studyGrid(s), text: s.text }, { ...PAGE_DECODING });
    const omitted = generateStudy(3333, 91);
    expect(omitted.findings.map((f) => [f.type, f.location])).toEqual([['emphysema', '左肺上叶']]);
    expect(omitted.text.split('。').some((x) => findingDescribed(x) !== undefined)).toBe(false);
    const r = await summarize(omitted);
    expect(r.imaged).toEqual([{ type: 'emphysema', place: '左肺上叶' }]);
    expect(r.imagedSentences).toBe(1);
    expect(detokenize(r.contextTokens).endsWith('左肺上叶透亮度增高，见多发低密度无壁区。')).toBe(true);
    expect(r.passages.slice(0, 5).some(({ passage }) => passage.findingTypes.includes('emphysema') && passage.locations.includes('左肺上叶'))).toBe(true);
    expect(extractFacts(r.summary).map((f) => [f.finding, f.location])).toContainEqual(['emphysema', '左肺上叶']);
    // A text that describes nothing owes the image-read item only: its normal-lungs sentence, which the salience
    // head rates salient, owed a second item, and the model wrote the emphysema twice (seed 39393, study 316).
    const twice = generateStudy(39393, 316);
    expect(twice.text.split('。').some((x) => findingDescribed(x) !== undefined)).toBe(false);
    const once = await summarize(twice);
    expect(once.imaged).toEqual([{ type: 'emphysema', place: '右肺上叶' }]);
    expect(extractFacts(once.summary).filter((f) => f.finding !== 'normal')).toHaveLength(1);
    // Study 0 of the same seed: normal lungs.
    const normal = generateStudy(3333, 0);
    expect(normal.findings).toEqual([]);
    const nothing = await summarize(normal);
    expect(nothing.imaged).toEqual([]);
    expect(nothing.imagedSentences).toBe(0);
  }, 120_000);
});
