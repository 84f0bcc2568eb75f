/** Retriever losses against hand-computed values; the text encoder's shapes and masking; top-k. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gelu, maskedMean } from '../../src/inference/models/ops.ts';
import { centerLoss, infoNce, initRetriever, projectImage, projectText, retrieverLoss, topK, type RetrieverConfig } from '../../src/inference/models/retriever.ts';
import { encodeText, initTextEncoder } from '../../src/inference/models/textEncoder.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('retriever losses', () => {
  it('InfoNCE by hand: 2 pairs, similarities [[1, 0], [0, 1]], τ = 0.5', () => {
    const eye = tf.tensor2d([[1, 0], [0, 1]]);
    // Each row: log softmax([2, 0])[0] = −log(1 + e^−2).
    expect(infoNce(eye, eye, 0.5).dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(-2)), 6);
    // Swapped texts: the matching pair scores 0, the other 2 → −log softmax([0, 2])[0] = log(1 + e²).
    expect(infoNce(eye, tf.tensor2d([[0, 1], [1, 0]]), 0.5).dataSync()[0]).toBeCloseTo(Math.log(1 + Math.exp(2)), 6);
  });
  it('center loss by hand', () => {
    const image = tf.tensor2d([[1, 0], [0, 1]]);
    const text = tf.tensor2d([[1, 0], [1, 0]]);
    const centers = tf.tensor2d([[1, 0], [0, 0]]);
    // image: |0|² and |(0,1)|² = 1 → mean 0.5; text: 0 and |(1,0)|² = 1 → mean 0.5.
    expect(centerLoss(image, text, centers, tf.tensor1d([0, 1])).dataSync()[0]).toBeCloseTo(1, 6);
  });
  it('GELU at hand-checked points and a masked mean', () => {
    expect(Array.from(gelu(tf.tensor1d([0, 1, -1])).dataSync()).map((v) => +v.toFixed(4))).toEqual([0, 0.8412, -0.1588]);
    expect(Array.from(maskedMean(tf.tensor3d([[[1], [3], [100]]]), tf.tensor2d([[1, 1, 0]])).dataSync())).toEqual([2]);
  });
  it('training the projections pulls matched pairs together', () => {
    const c: RetrieverConfig = { imageDim: 6, textDim: 5, hidden: 8, shared: 4, classes: 3, temperature: 0.1, centerWeight: 0.1 };
    const w = initRetriever(c, 1);
    const z = tf.randomNormal([6, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.tidy(() => tf.matMul(z, tf.randomNormal([6, 5], 0, 1, 'float32', 2))) as tf.Tensor2D; // text is a function of the image
    const classes = tf.tensor1d([0, 1, 2, 0, 1, 2]);
    const loss = () => retrieverLoss(w, c, projectImage(w, z), projectText(w, y), classes);
    const first = loss().dataSync()[0]!;
    const opt = tf.train.adam(0.05);
    for (let i = 0; i < 80; i++) tf.dispose(opt.minimize(loss, true)!);
    expect(loss().dataSync()[0]).toBeLessThan(first * 0.5);
    const image = projectImage(w, z);
    const text = projectText(w, y);
    const best = tf.argMax(tf.matMul(image, tf.transpose(text)), 1).arraySync();
    expect(best).toEqual([0, 1, 2, 3, 4, 5]);
  });
  it('reads the first imageDim of the pooled features: the fixed filters’ maxima, last, are left out of a retriever trained without them', () => {
    const c: RetrieverConfig = { imageDim: 3, textDim: 5, hidden: 8, shared: 4, classes: 3, temperature: 0.1, centerWeight: 0.1 };
    const w = initRetriever(c, 1);
    const own = tf.tensor2d([[0.5, -1, 2], [1, 0, 0.25]]);
    const withFilters = tf.concat([own, tf.tensor2d([[0.9, 0.1], [0, 1]])], 1) as tf.Tensor2D;
    expect(Array.from(projectImage(w, withFilters).dataSync())).toEqual(Array.from(projectImage(w, own).dataSync()));
  });
  it('top-k by inner product', () => {
    const index = tf.tensor2d([[1, 0], [0, 1], [0.6, 0.8]]);
    expect(topK(index, tf.tensor1d([0, 1]), 2)).toEqual({ indices: [1, 2], scores: [1, expect.closeTo(0.8, 6)] });
  });
});

describe('text encoder', () => {
  it('pads stay zero and do not change the real tokens’ features', () => {
    const c = { vocab: 20, width: 8, maxLength: 10, blocks: 2 };
    const w = initTextEncoder(c, 3);
    const short = encodeText(w, c, tf.tensor2d([[5, 6, 7]]), tf.tensor2d([[1, 1, 1]]));
    const padded = encodeText(w, c, tf.tensor2d([[5, 6, 7, 0, 0]]), tf.tensor2d([[1, 1, 1, 0, 0]]));
    expect(padded.tokens.shape).toEqual([1, 5, 8]);
    const a = short.tokens.arraySync()[0]!;
    const b = padded.tokens.arraySync()[0]!;
    for (let t = 0; t < 3; t++) a[t]!.forEach((v, d) => expect(b[t]![d]).toBeCloseTo(v, 5));
    expect(b[4]!.every((v) => v === 0)).toBe(true);
    Array.from(short.pooled.dataSync()).forEach((v, d) => expect(padded.pooled.dataSync()[d]).toBeCloseTo(v, 5));
  });
});
