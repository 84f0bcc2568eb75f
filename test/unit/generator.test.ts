/** LFMGAN's generator and discriminator: cached decoding equals the full pass, attention splits, learning, no leaks. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode } from '../../src/inference/decode.ts';
import { discriminate, discriminatorLogits, initDiscriminator, type DiscriminatorConfig } from '../../src/inference/models/discriminator.ts';
import { disposeMemory, generatorLogits, generatorMemory, generatorStepper, initGenerator, splitMemoryAttention, type GeneratorConfig } from '../../src/inference/models/generator.ts';
import { seededDropout } from '../../src/inference/models/dropout.ts';
import { installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';
import { disposeWeights } from '../../src/inference/models/weights.ts';

const config: GeneratorConfig = { vocab: 12, width: 16, layers: 2, heads: 2, mlp: 32, textLayers: 1, maxSummary: 8, maxText: 6, regionDim: 6, regions: 4, dropout: 0.1 };

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  installFastMatMulGradient();
});

function toy() {
  const regions = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 7) as tf.Tensor3D;
  const text = tf.tensor2d([[5, 7, 9, 3, 0, 0], [4, 6, 8, 10, 1, 0]], undefined, 'int32');
  const textMask = tf.tensor2d([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0]]);
  const inputs = tf.tensor2d([[2, 5, 7, 9], [2, 4, 6, 8]], undefined, 'int32'); // BOS (2), then the copied ids
  const targets = tf.tensor2d([[5, 7, 9, 3], [4, 6, 8, 10]], undefined, 'int32');
  return { regions, text, textMask, inputs, targets };
}

describe('generator', () => {
  it('decoding one token at a time with cached keys equals the teacher-forced pass; attention splits into image and text', () => {
    const w = initGenerator(config, 1);
    const t = toy();
    const memory = generatorMemory(w, config, t.regions, t.text, t.textMask);
    const full = tf.tidy(() => tf.softmax(generatorLogits(w, config, memory, t.inputs).logits).arraySync() as number[][][]);
    const stepper = generatorStepper(w, config, memory);
    let state = stepper.initial();
    for (let y = 0; y < 4; y++) {
      const out = stepper.step(tf.squeeze(tf.slice(t.inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D, state);
      const probs = out.probs.arraySync();
      for (let b = 0; b < 2; b++) probs[b]!.forEach((p, v) => expect(p).toBeCloseTo(full[b]![y]![v]!, 5));
      out.visualAttention.sum(1).dataSync().forEach((s) => expect(s).toBeCloseTo(1, 5));
      out.textAttention.sum(1).dataSync().forEach((s) => expect(s).toBeCloseTo(1, 5));
      expect(out.textAttention.arraySync()[0]![4]).toBeLessThan(1e-6); // padding gets nothing
      tf.dispose([out.probs, out.visualAttention, out.textAttention, ...Object.values(state)]);
      state = out.state;
    }
    tf.dispose(Object.values(state));
    disposeMemory(memory);
    disposeWeights(w);
  });

  it('splitMemoryAttention renormalises each part (hand values)', () => {
    const { visual, text } = splitMemoryAttention(tf.tensor2d([[0.1, 0.3, 0.2, 0.4]]), 2);
    expect(Array.from(visual.dataSync())).toEqual([0.25, 0.75].map((v) => expect.closeTo(v, 6)));
    expect(Array.from(text.dataSync())).toEqual([1 / 3, 2 / 3].map((v) => expect.closeTo(v, 6)));
  });

  it('learns to copy the input text (with dropout), then greedy and beam decoding write it; nothing leaks', async () => {
    const w = initGenerator(config, 2);
    const t = toy();
    const dropout = seededDropout(config.dropout, 3);
    const loss = () =>
      tf.tidy(() => {
        const memory = generatorMemory(w, config, t.regions, t.text, t.textMask, dropout);
        const { logits } = generatorLogits(w, config, memory, t.inputs, dropout);
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(t.targets, [-1]), config.vocab), tf.reshape(logits, [-1, config.vocab])) as tf.Scalar;
      });
    const first = loss().dataSync()[0]!;
    const optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 150; i++) tf.dispose(optimizer.minimize(loss, true)!);
    expect(loss().dataSync()[0]!).toBeLessThan(first * 0.2);
    const one = tf.tidy(() => generatorMemory(w, config, tf.slice(t.regions, [0, 0, 0], [1, -1, -1]), tf.slice(t.text, [0, 0], [1, -1]), tf.slice(t.textMask, [0, 0], [1, -1])));
    const before = tf.memory().numTensors;
    const options = { bos: 2, eos: 11, maxLength: 4, beamSize: 1, lengthPenalty: 0 };
    const greedy = await decode(generatorStepper(w, config, one), options);
    expect(greedy.map((r) => r.id)).toEqual([5, 7, 9, 3]);
    expect(greedy[0]!.beta).toBeNull();
    expect(greedy[0]!.visualAttention).toHaveLength(4);
    const beam = await decode(generatorStepper(w, config, one), { ...options, beamSize: 3, lengthPenalty: 0.7 });
    expect(beam.map((r) => r.id)).toEqual([5, 7, 9, 3]);
    expect(tf.memory().numTensors).toBe(before);
    disposeMemory(one);
    disposeWeights(w);
  });
});

describe('discriminator', () => {
  const dc: DiscriminatorConfig = { vocab: 12, width: 16, layers: 1, heads: 2, mlp: 32, maxSummary: 8, regionDim: 6 };
  it('gives a probability per summary that ignores padding, and learns real from fake', () => {
    const w = initDiscriminator(dc, 5);
    const pooled = tf.randomNormal([4, 6], 0, 1, 'float32', 8) as tf.Tensor2D;
    const ids = tf.tensor2d([[5, 7, 9, 0], [4, 6, 8, 10], [9, 9, 9, 0], [10, 10, 10, 10]], undefined, 'int32');
    const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 1, 1]]);
    const other = tf.tensor2d([[5, 7, 9, 3], [4, 6, 8, 10], [9, 9, 9, 1], [10, 10, 10, 10]], undefined, 'int32'); // only padding changed
    const p = discriminate(w, dc, pooled, ids, mask).dataSync();
    const q = discriminate(w, dc, pooled, other, mask).dataSync();
    p.forEach((v, i) => {
      expect(v > 0 && v < 1).toBe(true);
      expect(v).toBeCloseTo(q[i]!, 5);
    });
    const labels = tf.tensor1d([1, 1, 0, 0]); // the first two real, the repetitive two fake
    const optimizer = tf.train.adam(0.01);
    for (let i = 0; i < 60; i++) tf.dispose(optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(labels, discriminatorLogits(w, dc, pooled, ids, mask)) as tf.Scalar, true)!);
    const after = discriminate(w, dc, pooled, ids, mask).dataSync();
    expect(after[0]! > 0.8 && after[1]! > 0.8 && after[2]! < 0.2 && after[3]! < 0.2).toBe(true);
    disposeWeights(w);
  });
});
