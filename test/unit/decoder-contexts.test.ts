/** The decoder's training contexts: never the study's own passages; by score, or in MMR order as the model will rank them. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedTexts, initRetriever, type RetrieverConfig } from '../../src/inference/models/retriever.ts';
import { initTextEncoder, type TextEncoderConfig } from '../../src/inference/models/textEncoder.ts';
import { studyContexts } from '../../src/training/decoderContexts.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const text: TextEncoderConfig = { vocab: 20, width: 8, maxLength: 32, blocks: 1 };
const retriever: RetrieverConfig = { imageDim: 4, textDim: 8, hidden: 8, shared: 6, classes: 2, temperature: 0.1, centerWeight: 0.1 };
const w = { ...initTextEncoder(text, 1), ...initRetriever(retriever, 2) };
// Passage 1 is an exact copy of passage 0 (another study's); passage 4 is the query study's own.
const passages = [
  { ids: [3, 4, 5], source: 'a' },
  { ids: [3, 4, 5], source: 'b' },
  { ids: [9, 10], source: 'c' },
  { ids: [12, 13, 14, 15], source: 'd' },
  { ids: [3, 4, 6], source: 'own' },
];
const index = embedTexts(w, text, passages.map((p) => p.ids));
const study = { id: 'own', features: { regions: new Float32Array([0.5, -1, 2, 0, 1, 1, 0, -0.5]), regionCount: 2, width: 4 }, inputIds: [3, 4, 5, 7] };
const passagesOf = (context: { contextIds: number[]; inputStart: number }) => context.contextIds.slice(0, context.inputStart);

describe('studyContexts', () => {
  it('MMR with λ = 1 is the order by score, and neither reads the study’s own passage', () => {
    const [byScore] = studyContexts(w, text, index, passages, [study], 3);
    const [byMmr] = studyContexts(w, text, index, passages, [study], 3, 1);
    expect(byMmr).toEqual(byScore);
    expect(byScore!.contextIds.slice(byScore!.inputStart)).toEqual(study.inputIds);
    expect(passagesOf(byScore!)).not.toContain(6); // the own passage's only token of its own
  });

  it('with λ = 0 an exact copy of the first passage is not the second', () => {
    // By score the copy pair comes first and second (same text, same score), then passages 3 and 2.
    const [byScore] = studyContexts(w, text, index, passages, [study], 4);
    expect(passagesOf(byScore!)).toEqual([3, 4, 5, 3, 4, 5, 12, 13, 14, 15, 9, 10]);
    // MMR at λ = 0 keeps the best first, then takes the passage least like those taken: never the copy.
    const [diverse] = studyContexts(w, text, index, passages, [study], 2, 0);
    expect(passagesOf(diverse!).slice(0, 3)).toEqual([3, 4, 5]);
    expect(passagesOf(diverse!).slice(3)).not.toEqual([3, 4, 5]);
    expect(passagesOf(diverse!).length).toBeGreaterThan(3);
  });
});
