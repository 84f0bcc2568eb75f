/** The image encoder: shapes, parameters, FLOPs, determinism, and that its auxiliary loss can fall. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, imageEncoderFlops, initImageEncoder, regionGrid, regionLogits, type ImageEncoderConfig } from '../../src/inference/models/imageEncoder.ts';
import { countParams, disposeWeights } from '../../src/inference/models/weights.ts';

const small: ImageEncoderConfig = { grid: { depth: 8, height: 32, width: 32 }, channels: 2, widths: [4, 8, 8], findingTypes: 3 };

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('image encoder', () => {
  it('maps a volume to the region grid, with the parameters and FLOPs its config implies', () => {
    const w = initImageEncoder(small, 1);
    // (27·2·4 + 4) + (27·4·8 + 8) + (27·8·8 + 8) + (8·3 + 3)
    expect(countParams(w)).toBe(27 * 2 * 4 + 4 + 27 * 4 * 8 + 8 + 27 * 8 * 8 + 8 + 8 * 3 + 3);
    const x = tf.ones([2, 8, 32, 32, 2]) as tf.Tensor5D;
    const regions = encodeImage(w, x);
    expect(regions.shape).toEqual([2, 2, 4, 4, 8]);
    expect(regionGrid(small)).toEqual({ depth: 2, height: 4, width: 4 });
    expect(regionLogits(w, regions).shape).toEqual([2, 2, 4, 4, 3]);
    // conv1 8·16·16·4·27·2, conv2 4·8·8·8·27·4, conv3 2·4·4·8·27·8, head 2·4·4·3·8; ×2 for multiply-add.
    expect(imageEncoderFlops(small)).toBe(2 * (8 * 16 * 16 * 4 * 27 * 2 + 4 * 8 * 8 * 8 * 27 * 4 + 2 * 4 * 4 * 8 * 27 * 8 + 2 * 4 * 4 * 3 * 8));
    tf.dispose([x, regions]);
    disposeWeights(w);
  });

  it('same seed, same weights', () => {
    const a = initImageEncoder(small, 7);
    const b = initImageEncoder(small, 7);
    expect(Array.from(a['img.conv2.kernel']!.dataSync())).toEqual(Array.from(b['img.conv2.kernel']!.dataSync()));
    disposeWeights(a);
    disposeWeights(b);
  });

  it('learns a bright cube’s region on wasm: the auxiliary loss falls, no tensor leaks', () => {
    const w = initImageEncoder(small, 3);
    const before = tf.memory().numTensors;
    // A bright cube in the first depth half, top-left quarter; the target marks type 0 in those regions.
    const x = tf.tidy(() => tf.buffer([1, 8, 32, 32, 2], 'float32').toTensor().add(tf.pad(tf.ones([1, 4, 16, 16, 2]), [[0, 0], [0, 4], [0, 16], [0, 16], [0, 0]]))) as tf.Tensor5D;
    const target = tf.tidy(() => tf.pad(tf.ones([1, 1, 2, 2, 1]), [[0, 0], [0, 1], [0, 2], [0, 2], [0, 2]])) as tf.Tensor5D;
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.sigmoidCrossEntropy(target, regionLogits(w, encodeImage(w, x))) as tf.Scalar;
    const first = loss().dataSync()[0]!;
    for (let step = 0; step < 30; step++) tf.dispose(optimizer.minimize(loss, true)!);
    const last = loss().dataSync()[0]!;
    expect(last).toBeLessThan(first * 0.5);
    optimizer.dispose();
    tf.dispose([x, target]);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2 + 2 * Object.keys(w).length + 1);
    disposeWeights(w);
  });
});
