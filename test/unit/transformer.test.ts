/** The shared Transformer block: LayerNorm by hand, padding and the future masked, shapes, no leaks. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { attention, attentionBias, initTransformerBlock, layerNorm, transformerBlock } from '../../src/inference/models/transformer.ts';
import { WeightBuilder, disposeWeights } from '../../src/inference/models/weights.ts';
import { installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  installFastMatMulGradient();
});

const block = { width: 8, heads: 2, mlp: 16 };
function weights(seed: number) {
  const b = new WeightBuilder(seed);
  initTransformerBlock(b, 'blk', block);
  return b.weights;
}

describe('transformer block', () => {
  it('LayerNorm matches the hand-computed values (γ 1, β 0)', () => {
    const w = weights(1);
    // Row [1, 2, 3, 4, 5, 6, 7, 8]: mean 4.5, variance 5.25.
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const y = layerNorm(w, 'blk.ln1', x).dataSync();
    [1, 2, 3, 4, 5, 6, 7, 8].forEach((v, i) => expect(y[i]!).toBeCloseTo((v - 4.5) / Math.sqrt(5.25 + 1e-5), 5));
    tf.dispose([x]);
    disposeWeights(w);
  });

  it('attention bias: padding keys and, when causal, later keys get −1e9', () => {
    const bias = attentionBias(tf.tensor2d([[1, 1, 0]]), true).arraySync()[0]![0]!;
    expect(bias.map((row) => row.map((v) => (v === 0 ? 0 : 1)))).toEqual([
      [0, 1, 1],
      [0, 0, 1],
      [0, 0, 1],
    ]);
  });

  it('causal: a position does not see the tokens after it; padding rows stay zero and get no attention', () => {
    const w = weights(2);
    const x = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 3) as tf.Tensor3D;
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 2, 8]), tf.randomNormal([1, 2, 8], 0, 1, 'float32', 4)], 1) as tf.Tensor3D;
    const mask = tf.tensor2d([[1, 1, 1, 0]]);
    const causal = attentionBias(mask, true);
    const before = tf.memory().numTensors;
    const a = transformerBlock(w, 'blk', x, mask, causal, 2);
    const b = transformerBlock(w, 'blk', changed, mask, causal, 2);
    expect(tf.memory().numTensors).toBe(before + 2);
    const [ra, rb] = [a.arraySync()[0]!, b.arraySync()[0]!];
    for (const t of [0, 1]) ra[t]!.forEach((v, d) => expect(v).toBeCloseTo(rb[t]![d]!, 5));
    expect(ra[2]!.some((v, d) => Math.abs(v - rb[2]![d]!) > 1e-4)).toBe(true);
    expect(ra[3]!.every((v) => v === 0)).toBe(true);
    const { weights: att } = attention(w, 'blk.attn', x, x, attentionBias(mask, false), 2);
    att.arraySync()[0]!.forEach((head) => head.forEach((row) => expect(row[3]!).toBeLessThan(1e-6)));
    tf.dispose([x, changed, mask, causal, a, b, att]);
    disposeWeights(w);
  });
});
