/** Smoke training of the image encoder: loss falls, checkpoints and curves are written, --resume continues. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateStudy } from '../../src/corpus/study.ts';
import type { ImageEncoderConfig } from '../../src/inference/models/imageEncoder.ts';
import { disposeWeights } from '../../src/inference/models/weights.ts';
import { installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';
import { FINDING_TYPES, PLEURAL_SIDES } from '../../src/corpus/schema.ts';
import { findingChannels, imageExample, mirrorExample, regionTargets } from '../../src/training/imageExamples.ts';
import { toPatchOrder } from '../../src/inference/models/imageEncoder.ts';
import { localisationLoss, pretrainImageEncoder, weightedBce } from '../../src/training/pretrainImage.ts';

const encoder: ImageEncoderConfig = { grid: { depth: 8, height: 32, width: 32 }, channels: 2, widths: [4, 8, 8], findingTypes: 9 };

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  installFastMatMulGradient();
});

describe('image encoder pretraining', () => {
  it('region targets mark the outputs of the findings whose voxels fall in each region', () => {
    // A 2×4×4 volume, regions 1×2×2, 5 outputs (4 types, any): finding 1 (type 3) in the top-left corner,
    // finding 2 (type 0) bottom-right.
    const labels = new Uint8Array(32);
    labels[0] = 1;
    labels[16 + 15] = 2;
    const t = regionTargets(labels, [[3, 4], [0, 4]], { depth: 2, height: 4, width: 4 }, { depth: 1, height: 2, width: 2 }, 5);
    expect(Array.from(t)).toEqual([0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  });

  it('a finding switches on its type, any finding, and its lobe when the head predicts lobes', () => {
    // 9 types → "any" is output 9, the lobes (右上, 右中, 右下, 左上, 左下) outputs 10–14.
    const withLobes = { ...encoder, lobes: 5 };
    expect(findingChannels({ type: FINDING_TYPES[2]!, location: '右肺中叶' }, withLobes)).toEqual([2, 9, 11]);
    expect(findingChannels({ type: FINDING_TYPES[0]!, location: '左肺下叶' }, withLobes)).toEqual([0, 9, 14]);
    expect(findingChannels({ type: FINDING_TYPES[0]!, location: '左肺下叶' }, encoder)).toEqual([0, 9]);
    expect(findingChannels({ type: FINDING_TYPES[0]!, location: PLEURAL_SIDES[0] }, withLobes)).toEqual([0, 9]);
  });

  it('mirroring reverses the width axis of the volume (in patch order) and of the region targets; twice is the identity', () => {
    const { depth, height, width } = encoder.grid;
    const natural = Uint8Array.from({ length: depth * height * width * 2 }, (_, i) => (i * 7) % 251);
    const flipped = new Uint8Array(natural.length);
    for (let i = 0; i < natural.length; i++) {
      const w = Math.floor(i / 2) % width;
      flipped[i] = natural[i + (width - 1 - 2 * w) * 2]!;
    }
    // Regions 1 × 2 × 2 (8 × 32 × 32 / 8 × 16 × 16), 10 outputs: output 3 on in region (0, 0, 0) → (0, 0, 1).
    const targets = new Uint8Array(4 * 10);
    targets[3] = 1;
    const e = { id: 'x', image: toPatchOrder(natural, encoder), regionTargets: targets, category: 0 };
    const m = mirrorExample(e, encoder);
    expect(Array.from(m.image)).toEqual(Array.from(toPatchOrder(flipped, encoder)));
    expect([...m.regionTargets.keys()].filter((i) => m.regionTargets[i])).toEqual([13]);
    expect(Array.from(mirrorExample(m, encoder).image)).toEqual(Array.from(e.image));
    expect(() => mirrorExample(e, { ...encoder, lobes: 5 })).toThrow(/names lobes/);
  });

  it('weighted BCE by hand', () => {
    // z = 0: softplus(0) = log 2 for both terms; positive weight 3 → (3·log2 + log2) / 2.
    expect(weightedBce(tf.zeros([2]), tf.tensor1d([1, 0]), 3).dataSync()[0]).toBeCloseTo(2 * Math.log(2), 6);
  });

  it('localisation by hand: −log of the softmax mass over a study\'s regions on the positive ones, outputs without positives left out', () => {
    // One study, 1 × 1 × 3 regions, two outputs: output 0 is on in regions 0 and 2, output 1 nowhere.
    const logits = tf.tensor5d([1, 5, 2, 0, 3, 0], [1, 1, 1, 3, 2]);
    const targets = tf.tensor5d([1, 0, 0, 0, 1, 0], [1, 1, 1, 3, 2]);
    const z = [1, 2, 3].map(Math.exp);
    expect(localisationLoss(logits, targets).dataSync()[0]).toBeCloseTo(-Math.log((z[0]! + z[2]!) / (z[0]! + z[1]! + z[2]!)), 5);
    // A second study with output 1 on in region 1: the mean over the two (study, output) pairs.
    const two = localisationLoss(tf.concat([logits, tf.tensor5d([0, 0, 0, 4, 0, 0], [1, 1, 1, 3, 2])]) as tf.Tensor5D, tf.concat([targets, tf.tensor5d([0, 0, 0, 1, 0, 0], [1, 1, 1, 3, 2])]) as tf.Tensor5D);
    const e4 = Math.exp(4);
    expect(two.dataSync()[0]).toBeCloseTo((-Math.log((z[0]! + z[2]!) / (z[0]! + z[1]! + z[2]!)) - Math.log(e4 / (e4 + 2))) / 2, 5);
  });

  it('trains a few steps on real corpus studies, keeps the best checkpoint, and resumes', async () => {
    const studies = Array.from({ length: 12 }, (_, i) => imageExample(generateStudy(61, i, { size: 64 }), encoder));
    const out = mkdtempSync(join(tmpdir(), 'tuwen-pretrain-'));
    const losses: number[] = [];
    const options = { encoder, steps: 16, batch: 4, learningRate: 0.01, positiveWeight: 8, evalEvery: 8, patience: 5, seed: 1, out, resume: false, onStep: (_: number, l: number) => losses.push(l), log: () => {} };
    const w = await pretrainImageEncoder(studies.slice(0, 9), studies.slice(9), options);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]!);
    for (const f of ['image-encoder.best.bin', 'image-encoder.last.json', 'curve-image-encoder.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    disposeWeights(w);
    const resumedFrom: number[] = [];
    const again = await pretrainImageEncoder(studies.slice(0, 9), studies.slice(9), { ...options, steps: 20, resume: true, onStep: (s) => resumedFrom.push(s) });
    expect(resumedFrom[0]).toBe(17);
    expect(JSON.parse(readFileSync(join(out, 'image-encoder.last.json'), 'utf8')).state.step).toBe(20);
    disposeWeights(again);
    // Without validation studies no best checkpoint could be kept: a clear error before any step.
    const steps: number[] = [];
    await expect(pretrainImageEncoder(studies, [], { ...options, out: mkdtempSync(join(tmpdir(), 'tuwen-pretrain-')), onStep: (s) => steps.push(s) })).rejects.toThrow('image pretraining needs studies in both the train and val splits (found 12 and 0)');
    expect(steps).toEqual([]);
  }, 120_000);

  it('a step-size floor decays the rate by a cosine; a floor of 1 trains exactly as a constant rate', async () => {
    const studies = Array.from({ length: 6 }, (_, i) => imageExample(generateStudy(62, i, { size: 64 }), encoder));
    const run = async (floor?: number) => {
      const options = { encoder, steps: 6, batch: 2, learningRate: 0.01, ...(floor === undefined ? {} : { learningRateFloor: floor }), positiveWeight: 8, evalEvery: 6, patience: 5, seed: 1, out: mkdtempSync(join(tmpdir(), 'tuwen-pretrain-')), resume: false, onStep: () => {}, log: () => {} };
      const w = await pretrainImageEncoder(studies.slice(0, 4), studies.slice(4), options);
      const kernel = w['img.conv1.kernel']!.dataSync().slice();
      disposeWeights(w);
      return kernel;
    };
    const constant = await run();
    expect(await run(1)).toEqual(constant);
    const decayed = await run(0.1);
    expect(decayed).not.toEqual(constant);
  }, 120_000);
});
