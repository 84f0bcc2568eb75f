/** The pointing head: the decoder under it trains as its core, without the maxima, and the head trains alone on the frozen decoder. */
import '@tensorflow/tfjs-backend-wasm';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWasmForTraining } from '../../src/cli/trainingSetup.ts';
import { Random } from '../../src/corpus/random.ts';
import { coreDecoderConfig, withPointingHead, type FusionDecoderConfig } from '../../src/inference/models/fusionDecoder.ts';
import { disposeWeights, type Weights } from '../../src/inference/models/weights.ts';
import { trainDecoder, type DecoderExample, type DecoderTrainingOptions } from '../../src/training/trainDecoder.ts';
import { trainPointingHead } from '../../src/training/trainPointingHead.ts';

beforeAll(useWasmForTraining);

const REGIONS = 4;
/** Six region features, the last two the filters' maxima that only the head's keys read. */
const headed: FusionDecoderConfig = { vocab: 12, embed: 8, hidden: 16, regionDim: 6, regions: REGIONS, tokenDim: 8, attention: 8, contextEncoder: { dilations: [1], maxLength: 12 }, keyOnlyFeatures: 2, pointingAttention: true, pointingHead: true };

/**
 * Studies whose summary token 3 + k names a finding in region k: the filter feature 5 is high there, so the
 * head can learn to point at it; every token of the summary restates the input text.
 */
function examples(n: number, seed: number): DecoderExample[] {
  const rand = new Random(seed);
  return Array.from({ length: n }, () => {
    const k = Math.floor(rand.next() * REGIONS);
    const regions = Float32Array.from({ length: REGIONS * 6 }, (_, i) => (i % 6 === 5 ? (Math.floor(i / 6) === k ? 3 : 0) : rand.next() - 0.5));
    const summaryIds = [3 + k, 8, 9];
    const attentionTargets = new Uint8Array((summaryIds.length + 1) * REGIONS);
    attentionTargets[k] = 1; // the first token names the finding
    return { features: { regions, regionCount: REGIONS, width: 6 }, contextIds: [10, 3 + k, 8, 9], inputStart: 1, summaryIds, attentionTargets };
  });
}

function options(decoder: FusionDecoderConfig, steps: number): DecoderTrainingOptions {
  return { decoder, maxSummary: 8, attentionWeight: 1, copyWeight: 0, coverageWeight: 0, steps, batch: 4, learningRate: 0.01, evalEvery: steps, seed: 3, out: mkdtempSync(join(tmpdir(), 'tuwen-head-')), onStep: () => {}, log: () => {} };
}

const values = (w: Weights) => Object.fromEntries(Object.entries(w).map(([name, v]) => [name, Array.from(v.dataSync())]));

describe('pointing head', () => {
  it('the core decoder reads the first regionDim features: trained on the features with the maxima, it is the decoder of the encoder alone', async () => {
    const train = examples(12, 1);
    // The core reads the encoder's features alone (the decoder of a model without the filters' maxima).
    const encoderOnly = train.map((e) => ({ ...e, features: { regions: e.features.regions.filter((_, i) => i % 6 < 4), regionCount: REGIONS, width: 4 } }));
    const alone = await trainDecoder(encoderOnly, encoderOnly, options(coreDecoderConfig(headed), 4));
    const core = await trainDecoder(train, train, options(coreDecoderConfig(headed), 4));
    expect(values(core)).toEqual(values(alone));
    disposeWeights(alone);
    // With a head: the core's tensors, its region positions with zero for the maxima (nothing in the decoder reads them), and the head.
    const before = values(core);
    const w = withPointingHead(core, headed, 3);
    const after = values(w);
    for (const [name, v] of Object.entries(before)) if (name !== 'dec.region_pos') expect(after[name], name).toEqual(v);
    const positions = after['dec.region_pos']!;
    expect(positions.filter((_, i) => i % 6 < 4)).toEqual(before['dec.region_pos']);
    expect(positions.filter((_, i) => i % 6 >= 4).every((v) => v === 0)).toBe(true);
    expect(Object.keys(w).filter((name) => !(name in before)).sort()).toEqual(['dec.att_pt.hidden', 'dec.att_pt.regions']);
    disposeWeights(w);
  });

  it('trains a decoder with a head only as its core', async () => {
    await expect(trainDecoder(examples(4, 1), examples(4, 2), options(headed, 1))).rejects.toThrow(/coreDecoderConfig/);
  });

  it('trains the head alone: the frozen decoder is unchanged, and the head learns to point at the named finding', async () => {
    const train = examples(24, 2);
    const val = examples(12, 3);
    const decoder = withPointingHead(await trainDecoder(train, val, options(coreDecoderConfig(headed), 4)), headed, 3);
    const before = values(decoder);
    const o = options(headed, 60);
    const logs: string[] = [];
    const losses: number[] = [];
    const head = await trainPointingHead(train, val, decoder, { ...o, onStep: (_, l) => losses.push(l), log: (l) => logs.push(l) });
    expect(Object.keys(head).sort()).toEqual(['dec.att_pt.hidden', 'dec.att_pt.regions']);
    const after = values(decoder);
    for (const [name, v] of Object.entries(before)) if (!name.startsWith('dec.att_pt.')) expect(after[name], name).toEqual(v);
    expect(after['dec.att_pt.regions']).not.toEqual(before['dec.att_pt.regions']);
    // −log of the mass on the named region: from about log 4 (uniform over 4 regions) to well below.
    expect(losses[0]!).toBeGreaterThan(1);
    expect(losses[losses.length - 1]!).toBeLessThan(0.5);
    expect(logs.some((l) => /^pointing head step 60: train \d\.\d+, validation 0\.\d+$/.test(l))).toBe(true);
    disposeWeights(decoder); // the head's weights are the decoder's own
  });
});
