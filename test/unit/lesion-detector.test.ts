/** The lesion detector's parts by hand: candidates, their patches, region maxima, training labels, and a training that learns. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/corpus/random.ts';
import { FINDING_TYPES } from '../../src/corpus/schema.ts';
import { candidateFeatures, CANDIDATE_FEATURES, CANDIDATES_PER_SLICE, lesionCandidates, PATCH_SIDE } from '../../src/inference/lesions/candidates.ts';
import { regionLesionMaxima } from '../../src/inference/lesions/regionLesions.ts';
import { candidateClasses } from '../../src/training/lesionExamples.ts';
import { lesionRows, trainLesionClassifier } from '../../src/training/trainLesionClassifier.ts';
import { lobeWeighing } from '../../src/inference/pageDecoding.ts';
import { createSummarizer, type ModelConfig } from '../../src/inference/summarizer.ts';
import { buildLesionClassifier, lesionClassifierFlops, lesionLogits } from '../../src/inference/models/lesionClassifier.ts';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

const grid = { depth: 2, height: 8, width: 8 };
const at = (z: number, y: number, x: number) => (z * 8 + y) * 8 + x;

describe('lesionCandidates', () => {
  it('local maxima of the stronger filter, strongest first in each slice; not their weaker neighbours, nor flat values', () => {
    const dot = new Float32Array(2 * 64).fill(0.01);
    const gg = new Float32Array(2 * 64);
    dot[at(0, 2, 2)] = 0.5;
    dot[at(0, 2, 3)] = 0.4; // a neighbour of a stronger pixel
    gg[at(0, 5, 5)] = 0.7; // the ground-glass filter's maximum counts the same
    dot[at(1, 3, 4)] = 0.3;
    dot[at(1, 0, 0)] = 0.9; // the border is never a candidate
    expect(lesionCandidates(dot, gg, grid)).toEqual([{ z: 0, y: 5, x: 5 }, { z: 0, y: 2, x: 2 }, { z: 1, y: 3, x: 4 }]);
  });
  it('at most CANDIDATES_PER_SLICE per slice, the strongest', () => {
    const big = { depth: 1, height: 40, width: 40 };
    const dot = new Float32Array(1600);
    // 81 isolated maxima on a grid of every fourth pixel, each stronger than the last.
    let k = 0;
    for (let y = 2; y < 38; y += 4) for (let x = 2; x < 38; x += 4) dot[y * 40 + x] = 0.1 + 0.01 * k++;
    const found = lesionCandidates(dot, new Float32Array(1600), big);
    expect(found).toHaveLength(CANDIDATES_PER_SLICE);
    expect(found[0]).toEqual({ z: 0, y: 34, x: 34 }); // the last drawn, the strongest
  });
});

describe('candidateFeatures', () => {
  it('a patch of the fine grid centred on the candidate\'s 2 × 2 block, three slices (clamped), air beyond the edges, then both filters\' responses', () => {
    const fine = new Float32Array(2 * 16 * 16).fill(-1000); // air
    fine[(1 * 16 + 2) * 16 + 2] = 1000; // slice 1, fine pixel (2, 2): the top-left of candidate (1, 1)'s block
    fine[(0 * 16 + 3) * 16 + 3] = 0; // slice 0, fine pixel (3, 3): its bottom-right, one slice up
    const dot = new Float32Array(2 * 64);
    const gg = new Float32Array(2 * 64);
    dot[at(1, 1, 1)] = 0.25;
    gg[at(1, 1, 1)] = 0.75;
    const f = candidateFeatures([{ z: 1, y: 1, x: 1 }], fine, grid, dot, gg);
    expect(f).toHaveLength(CANDIDATE_FEATURES);
    const half = PATCH_SIDE / 2;
    const value = (slice: number, row: number, col: number) => f[(slice * PATCH_SIDE + row) * PATCH_SIDE + col];
    expect(value(1, half - 1, half - 1)).toBe(1); // +1000 HU
    expect(value(0, half, half)).toBe(0.5); // 0 HU, in the slice above
    expect(value(2, half - 1, half - 1)).toBe(1); // the slice below is clamped to slice 1
    expect(value(1, half, half)).toBe(0);
    expect([...f.slice(-2)]).toEqual([0.25, 0.75]);
    // Every other value is air: 0.
    expect(f.slice(0, -2).reduce((a, v) => a + v, 0)).toBe(2.5);
  });
});

describe('regionLesionMaxima', () => {
  it('per region and type, the largest probability of a candidate there; 0 where none lies', () => {
    const types = FINDING_TYPES.length;
    const probs = new Float32Array(2 * (types + 1));
    probs.set([0.2, 0.5, 0.3], 0); // candidate 0: none 0.2, solid nodule 0.5, ground-glass 0.3
    probs.set([0.1, 0.7, 0, 0.2], types + 1); // candidate 1: solid 0.7, part-solid 0.2
    // Regions 2 × 2 × 2 of a 2-slice, 8 × 8 grid: candidate 0 in slice 0, top left; candidate 1 in slice 1, bottom right.
    const out = regionLesionMaxima([{ z: 0, y: 1, x: 2 }, { z: 1, y: 6, x: 5 }], probs, types, grid, { depth: 2, height: 2, width: 2 });
    const expected = new Float32Array(8 * types);
    expected.set([0.5, 0.3], 0); // region 0 (slice 0, top left)
    expected.set([0.7, 0, 0.2], 7 * types); // region 7 (slice 1, bottom right)
    expect(Array.from(out).map((v) => Number(v.toFixed(6)))).toEqual(Array.from(expected).map((v) => Number(v.toFixed(6))));
  });
});

describe('candidateClasses', () => {
  const volume = { depth: 2, height: 16, width: 16 }; // the fine grid itself: one volume pixel per fine pixel
  const findings = [
    { type: 'solid-nodule' as const, boxes: [{ slice: 0, box: [0, 0, 7, 7] as [number, number, number, number] }] },
    { type: 'calcification' as const, boxes: [{ slice: 0, box: [3, 3, 4, 4] as [number, number, number, number] }] },
  ];
  it('voxel labels: the finding of any labelled voxel in the 4 × 4 block around the candidate', () => {
    const labels = new Uint8Array(2 * 256);
    labels[(0 * 16 + 5) * 16 + 1] = 2; // slice 0, row 5, column 1: in candidate (0, 2, 0)'s block (rows 3–6, columns −1–2)
    expect([...candidateClasses([{ z: 0, y: 2, x: 0 }, { z: 0, y: 5, x: 5 }, { z: 1, y: 2, x: 0 }], grid, volume, findings, labels)]).toEqual([1 + FINDING_TYPES.indexOf('calcification'), 0, 0]);
  });
  it('boxes: the smallest box on the candidate\'s slice that holds its pixel', () => {
    // Candidate (0, 2, 2) lies at pixel (4, 4): in both boxes, the calcification's smaller; (0, 1, 1) at (2, 2): the nodule's only; slice 1: none.
    expect([...candidateClasses([{ z: 0, y: 2, x: 2 }, { z: 0, y: 1, x: 1 }, { z: 1, y: 2, x: 2 }], grid, volume, findings)]).toEqual([1 + FINDING_TYPES.indexOf('calcification'), 1 + FINDING_TYPES.indexOf('solid-nodule'), 0]);
  });
});

describe('lesionLogits with a convolutional stem', () => {
  it('is the 3 × 3-cell and then 2 × 2 convolution it stands for, computed here by loops', () => {
    const config = { hidden: [4, 3] as [number, number], findingTypes: 9, stem: [2, 3] as [number, number] };
    const w = buildLesionClassifier(config, 7);
    const rand = new Random(4);
    const x = Float32Array.from({ length: 2 * CANDIDATE_FEATURES }, () => rand.next());
    const got = tf.tidy(() => lesionLogits(w, tf.tensor2d(x, [2, CANDIDATE_FEATURES])).arraySync());
    const kernel = (name: string) => w[`${name}.kernel`]!.arraySync() as number[][];
    const bias = (name: string) => w[`${name}.bias`]!.arraySync() as number[];
    const relu = (a: number) => Math.max(0, a);
    const layer = (input: number[], name: string) => bias(name).map((b, o) => b + input.reduce((sum, a, i) => sum + a * kernel(name)[i]![o]!, 0));
    for (let n = 0; n < 2; n++) {
      const pixel = (s: number, y: number, xx: number) => x[n * CANDIDATE_FEATURES + (s * PATCH_SIDE + y) * PATCH_SIDE + xx]! - 0.5;
      // First convolution: a 3 × 3 cell of all three slices, inputs in (row, column, slice) order.
      const h1 = (cy: number, cx: number) => layer([0, 1, 2].flatMap((py) => [0, 1, 2].flatMap((px) => [0, 1, 2].map((s) => pixel(s, 3 * cy + py, 3 * cx + px)))), 'lesion.c1').map(relu);
      // Second: 2 × 2 of those, inputs in (row, column, channel) order; then cells in row order, then the filters.
      const h2 = [0, 1, 2, 3].flatMap((qy) => [0, 1, 2, 3].flatMap((qx) => layer([0, 1].flatMap((ry) => [0, 1].flatMap((rx) => h1(2 * qy + ry, 2 * qx + rx))), 'lesion.c2').map(relu)));
      const filters = [CANDIDATE_FEATURES - 2, CANDIDATE_FEATURES - 1].map((k) => x[n * CANDIDATE_FEATURES + k]! - 0.5);
      const want = layer(layer(layer([...h2, ...filters], 'lesion.d1').map(relu), 'lesion.d2').map(relu), 'lesion.d3');
      want.forEach((l, k) => expect(got[n]![k]).toBeCloseTo(l, 4));
    }
    tf.dispose(Object.values(w));
  });
  it('FLOPs: 2 × the multiply–accumulates of the stem (64 cells × 27 × c1, 16 cells × 4c1 × c2) and of the dense layers', () => {
    expect(lesionClassifierFlops({ hidden: [4, 3], findingTypes: 9, stem: [2, 3] })).toBe(2 * (64 * 27 * 2 + 16 * 8 * 3) + 2 * ((16 * 3 + 2) * 4 + 4 * 3 + 3 * 10));
  });
});

describe('trainLesionClassifier', () => {
  /** Candidates whose patch centre is bright (a "nodule", class 1) or dark (none), with noise. */
  const examples = (n: number, seed: number) => {
    const rand = new Random(seed);
    const features = new Uint8Array(n * CANDIDATE_FEATURES);
    const classes = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < CANDIDATE_FEATURES; k++) features[i * CANDIDATE_FEATURES + k] = Math.floor(rand.next() * 60);
      if (classes[i]) for (const s of [0, 1, 2]) for (let y = 10; y < 14; y++) for (let x = 10; x < 14; x++) features[i * CANDIDATE_FEATURES + (s * PATCH_SIDE + y) * PATCH_SIDE + x] = 230;
    }
    return { features, classes };
  };
  it('learns: the best validation loss falls below the first, the same seed gives the same weights, and no tensor is left', () => {
    const [train, val] = [examples(200, 1), examples(80, 2)];
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const options = { config: { hidden: [16, 8] as [number, number], findingTypes: 9, stem: [4, 8] as [number, number] }, steps: 40, batch: 16, learningRate: 0.003, evalEvery: 10, seed: 3 };
    const a = trainLesionClassifier(train, val, { ...options, onValidation: (_, l) => losses.push(l) });
    expect(losses).toHaveLength(4);
    expect(a.loss).toBe(Math.min(...losses));
    expect(a.loss).toBeLessThan(losses[0]! / 2);
    const b = trainLesionClassifier(train, val, options);
    for (const [name, w] of Object.entries(a.weights)) expect(Array.from(b.weights[name]!.dataSync()), name).toEqual(Array.from(w.dataSync()));
    tf.dispose([...Object.values(a.weights), ...Object.values(b.weights)]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('refuses data without candidates on findings', () => {
    const none = { features: new Uint8Array(2 * CANDIDATE_FEATURES), classes: new Uint8Array(2) };
    expect(() => trainLesionClassifier(none, none, { config: { hidden: [4, 4], findingTypes: 9, stem: [2, 2] }, steps: 1, batch: 2, learningRate: 0.001, evalEvery: 1, seed: 1 })).toThrow(/needs candidates on findings and off them \(0 on, 2 off\)/);
  });
  it('augments by flips and transposes of the patch only', () => {
    const e = examples(1, 5);
    const plain = lesionRows(e, [0]);
    const flipped = lesionRows(e, [0], new Random(9));
    expect(flipped.slice(-2)).toEqual(plain.slice(-2));
    expect([...flipped].sort()).toEqual([...plain].sort());
  });
});

describe('a model whose detector is from v58 or before', () => {
  it('v57\'s perceptron is refused with what to do, before anything is read', () => {
    const config = { lesions: { hidden: [256, 64], findingTypes: 9 } } as unknown as ModelConfig;
    expect(() => createSummarizer(config, {}, {}, [])).toThrow(/v58 or before \(a perceptron\).*tuwen train --stage lesions/);
  });
  it('v58\'s detector without a lobe table is refused with what to do', () => {
    const config = { lesions: { hidden: [64, 64], findingTypes: 9, stem: [32, 64] } } as unknown as ModelConfig;
    expect(() => createSummarizer(config, {}, {}, [])).toThrow(/v58 or before \(no lobe table for its peaks\).*tuwen train --stage lesions/);
  });
});

describe('lobeWeighing', () => {
  it('the page\'s one lobe setting: by the detector where the model has one, else by the pointing attention', () => {
    expect(lobeWeighing(true, { lesions: { hidden: [64, 64], findingTypes: 9, stem: [32, 64] } })).toEqual({ lesionLobes: true, pointedLobes: false });
    expect(lobeWeighing(true, {})).toEqual({ lesionLobes: false, pointedLobes: true });
    expect(lobeWeighing(false, { lesions: {} })).toEqual({ lesionLobes: false, pointedLobes: false });
  });
});
