/** Decoder training inputs: length-bucketed batches and the attention targets' token→finding mapping. */
import { describe, expect, it } from 'vitest';
import { findingMentions } from '../../src/corpus/findingMentions.ts';
import { Random } from '../../src/corpus/random.ts';
import type { FindingTruth } from '../../src/corpus/schema.ts';
import { contextIds } from '../../src/inference/decoderContext.ts';
import { lengthBatches } from '../../src/training/fitSequenceModel.ts';
import { decoderBatch, type DecoderExample } from '../../src/training/trainDecoder.ts';
import { BOS_ID, EOS_ID, PAD_ID } from '../../src/text/tokenizer.ts';
import type { FusionDecoderConfig } from '../../src/inference/models/fusionDecoder.ts';
import * as tf from '@tensorflow/tfjs';

describe('length batches', () => {
  it('use each example at most once, keep full batches, and group similar lengths', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 90);
    const batches = lengthBatches(new Random(3), lengths, 4);
    const used = batches.flat();
    expect(new Set(used).size).toBe(used.length);
    expect(batches.every((b) => b.length === 4)).toBe(true);
    expect(used.length).toBeGreaterThanOrEqual(96); // windows of 64: 64 + 36 → 16 + 9 batches
    // Within a batch, lengths are neighbours in a sorted window: the spread is far below the range.
    const spread = batches.map((b) => Math.max(...b.map((i) => lengths[i]!)) - Math.min(...b.map((i) => lengths[i]!)));
    expect(spread.reduce((a, b) => a + b, 0) / spread.length).toBeLessThan(15);
    expect(lengthBatches(new Random(3), lengths, 4)).toEqual(batches); // seeded
  });
  it('with a token budget: long summaries come in smaller batches, rows × longest within it, and no example is dropped', () => {
    const lengths = Array.from({ length: 100 }, (_, i) => (i * 37) % 150);
    const positions = lengths.map((l) => Math.min(l + 1, 120)); // cut to a maximum of 120 positions
    const batches = lengthBatches(new Random(3), lengths, 8, { positions, maxTokens: 8 * 60 });
    expect(batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, i) => i));
    for (const b of batches) expect(b.length * Math.max(...b.map((i) => positions[i]!))).toBeLessThanOrEqual(Math.max(8 * 60, Math.max(...b.map((i) => positions[i]!))));
    // Summaries of up to 59 tokens still fill whole batches of 8; those of 120 positions go 4 a batch.
    const sizeAt = (i: number) => batches.find((b) => b.includes(i))!.length;
    expect(Math.min(...lengths.map((l, i) => (l >= 119 ? sizeAt(i) : 8)))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lengths.map((l, i) => (l >= 119 ? sizeAt(i) : 0)))).toBeLessThanOrEqual(4);
    expect(batches.filter((b) => b.length === 8).length).toBeGreaterThan(0);
  });
});

describe('finding mentions', () => {
  const mass: FindingTruth = { type: 'mass', location: '左肺下叶', sizeMm: 40, margin: '分叶', density: '实性', count: 1, meanHu: 40, boxes: [] };
  it('map the tokens of a real finding’s name and lobe to it, and nothing else', () => {
    const tokens = [...'1、左肺下叶占位性病变，约4cm。2、右肺上叶结节。'];
    const named = findingMentions(tokens, [mass]);
    const marked = tokens.filter((_, i) => named[i] === mass).join('');
    expect(marked).toBe('左肺下叶占位性病变');
  });
});

describe('decoder context', () => {
  it('keeps the whole input text and gives the passages the room left, in rank order', () => {
    expect(contextIds([[1, 2, 3], [4, 5]], [9, 9], 10)).toEqual({ ids: [1, 2, 3, 4, 5, 9, 9], passageCounts: [3, 2], inputStart: 5 });
    expect(contextIds([[1, 2, 3], [4, 5]], [9, 9, 9, 9, 9, 9], 10)).toEqual({ ids: [1, 2, 3, 4, 9, 9, 9, 9, 9, 9], passageCounts: [3, 1], inputStart: 4 });
    expect(contextIds([[1, 2]], Array(12).fill(9), 10)).toEqual({ ids: Array(10).fill(9), passageCounts: [0], inputStart: 0 });
  });
});

describe('decoder batch', () => {
  it('teacher-forces BOS summary EOS; a summary longer than maxSummary is cut before its EOS, which stays the last target', () => {
    const decoder = { contextEncoder: { dilations: [1], maxLength: 8 } } as FusionDecoderConfig;
    const example = (summary: number[], copied: number[][]): DecoderExample => ({
      features: { regions: new Float32Array(2 * 3), regionCount: 2, width: 3 },
      contextIds: [7, 8, 9],
      inputStart: 1,
      summaryIds: summary,
      copySources: copied,
    });
    const b = decoderBatch({ decoder, maxSummary: 4 }, [example([10, 11], [[], [2]]), example([20, 21, 22, 23, 24, 25], [[1], [], [], [], [], []])]);
    expect(b.inputs.arraySync()).toEqual([[BOS_ID, 10, 11, EOS_ID], [BOS_ID, 20, 21, 22]]); // the last input is never read: its target is padding
    expect(b.targets.arraySync()).toEqual([[10, 11, EOS_ID, PAD_ID], [20, 21, 22, EOS_ID]]);
    expect(b.targetMask.arraySync()).toEqual([[1, 1, 1, 0], [1, 1, 1, 1]]);
    // Copy targets line up with the targets: study 0's second token from context position 2.
    expect(b.copy.arraySync()[0]![1]).toEqual([0, 0, 1]);
    expect(b.copy.arraySync()[1]![0]).toEqual([0, 1, 0]);
    tf.dispose(Object.values(b));
  });
  it('gives each target token a one-hot on the sentence its item restates, within the sentences the decoder attends', () => {
    const decoder = { contextEncoder: { dilations: [1], maxLength: 8 }, sentenceAttention: { endId: 9, maxSentences: 3 } } as FusionDecoderConfig;
    const example: DecoderExample = { features: { regions: new Float32Array(2 * 3), regionCount: 2, width: 3 }, contextIds: [7, 8, 9], inputStart: 1, summaryIds: [10, 11, 12], sentenceTargets: [1, -1, 5, -1] };
    const b = decoderBatch({ decoder, maxSummary: 6 }, [example]);
    expect(b.sentence!.arraySync()[0]).toEqual([[0, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 0]]); // sentence 5 is past the third: no target
    tf.dispose(Object.values(b));
  });
});
