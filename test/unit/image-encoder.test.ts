/** The image encoder: patch order, equality with strided Conv3D, parameters, FLOPs, and that its auxiliary loss can fall. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeImage, encoderInputOptions, featureWidth, headOutputs, imageEncoderFlops, imageEncoderMismatch, initImageEncoder, kernelsOf, mixRegions, regionFeatures, regionGrid, regionLogits, regionMaximum, regionWidth, toPatchOrder, withDeepStem, withDotFilter, withThresholds, type ImageEncoderConfig } from '../../src/inference/models/imageEncoder.ts';
import { countParams, disposeWeights } from '../../src/inference/models/weights.ts';

const small: ImageEncoderConfig = { grid: { depth: 8, height: 32, width: 32 }, channels: 2, widths: [4, 8, 8], findingTypes: 3 };
const deep = withDeepStem(small);
const voxels = 8 * 32 * 32 * 2;

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('patch order', () => {
  it('is a permutation that puts the first conv cell’s 2×4×4×2 values first', () => {
    const values = Float32Array.from({ length: voxels }, (_, i) => i);
    const ordered = toPatchOrder(values, small);
    expect([...ordered].sort((a, b) => a - b)).toEqual([...values]);
    // Voxel (d, h, w, c) sits at ((d·32 + h)·32 + w)·2 + c; the first cell is d 0..1, h 0..3, w 0..3.
    const firstCell = [0, 1].flatMap((d) => [0, 1, 2, 3].flatMap((h) => [0, 1, 2, 3].flatMap((w) => [0, 1].map((c) => ((d * 32 + h) * 32 + w) * 2 + c))));
    expect(Array.from(ordered.slice(0, 64))).toEqual(firstCell);
    // The second cell is its neighbour along w inside the same 2×2×2 conv2 cell: w 4..7.
    expect(ordered[64]).toBe((0 * 32 + 4) * 2);
    // The second region starts after 8 slices × 16 × 16 × 2 values and begins at w 16.
    expect(ordered[8 * 16 * 16 * 2]).toBe(16 * 2);
  });

  it('with the deep stem puts the first 2×2×2×2 cell first, then its neighbour inside the 1×2×2 cell above it', () => {
    const ordered = toPatchOrder(Float32Array.from({ length: voxels }, (_, i) => i), deep);
    const firstCell = [0, 1].flatMap((d) => [0, 1].flatMap((h) => [0, 1].flatMap((w) => [0, 1].map((c) => ((d * 32 + h) * 32 + w) * 2 + c))));
    expect(Array.from(ordered.slice(0, 16))).toEqual(firstCell);
    expect(ordered[16]).toBe(2 * 2); // w 2..3
    expect(ordered[32]).toBe(2 * 32 * 2); // h 2..3
  });
});

describe('image encoder', () => {
  it.each([
    ['the default stack', small],
    ['the deep stem', deep],
  ])('equals the same strided Conv3D stack on the volume in natural order: %s', (_, config) => {
    const w = initImageEncoder(config, 5);
    const natural = Float32Array.from({ length: voxels }, (_, i) => Math.sin(i * 0.37));
    const ours = tf.tidy(() => encodeImage(w, config, tf.tensor2d(toPatchOrder(natural, config), [1, voxels])).dataSync());
    const reference = tf.tidy(() => {
      let h = tf.tensor5d(natural, [1, 8, 32, 32, 2]);
      kernelsOf(config).forEach((k, i) => {
        h = tf.relu(tf.add(tf.conv3d(h, w[`img.conv${i + 1}.kernel`] as tf.Tensor5D, k, 'valid'), w[`img.conv${i + 1}.bias`]!));
        const mix = w[`img.mix${i + 1}.kernel`];
        if (mix) h = tf.relu(tf.add(tf.conv3d(h, mix as tf.Tensor5D, 1, 'valid'), w[`img.mix${i + 1}.bias`]!));
      });
      return h.dataSync();
    });
    expect(ours.length).toBe(reference.length);
    ours.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 4));
    disposeWeights(w);
  });

  it('maps a volume to the region grid, with the parameters and FLOPs its config implies', () => {
    const w = initImageEncoder(small, 1);
    // conv1 (32·2·4 + 4), mix1 (4·4 + 4), conv2 (8·4·8 + 8), mix2 (8·8 + 8), conv3 (8·8·8 + 8), head (8·4 + 4)
    expect(countParams(w)).toBe(32 * 2 * 4 + 4 + 4 * 4 + 4 + 8 * 4 * 8 + 8 + 8 * 8 + 8 + 8 * 8 * 8 + 8 + 8 * 4 + 4);
    const x = tf.ones([2, voxels]) as tf.Tensor2D;
    const regions = encodeImage(w, small, x);
    expect(regions.shape).toEqual([2, 1, 2, 2, 8]);
    expect(regionGrid(small)).toEqual({ depth: 1, height: 2, width: 2 });
    expect(regionLogits(w, regions).shape).toEqual([2, 1, 2, 2, 4]);
    // conv1 4·8·8 cells × 64·4, mix1 256 × 4·4, conv2 2·4·4 × 32·8, mix2 32 × 8·8, conv3 4 × 64·8, head 4 × 8·4; ×2 for multiply-add.
    expect(imageEncoderFlops(small)).toBe(2 * (256 * 64 * 4 + 256 * 4 * 4 + 32 * 32 * 8 + 32 * 8 * 8 + 4 * 64 * 8 + 4 * 8 * 4));
    expect(() => regionGrid({ ...small, grid: { depth: 8, height: 24, width: 32 } })).toThrow(/multiple/);
    tf.dispose([x, regions]);
    disposeWeights(w);
  });

  it('region mixing equals, for each study, W_r x + b_r across regions then x W_c + b_c across channels, each with ReLU and residual', () => {
    const w = initImageEncoder({ ...small, regionMixing: 1 }, 9);
    const [batch, regions, ch] = [3, 4, 8];
    const x = tf.tensor2d(Float32Array.from({ length: batch * regions * ch }, (_, i) => Math.cos(i * 0.11)), [batch * regions, ch]);
    const ours = tf.tidy(() => mixRegions(w, 1, x, batch).dataSync());
    const reference = tf.tidy(() => {
      const studies = tf.split(x, batch, 0).map((xb) => {
        const across = tf.add(xb, tf.relu(tf.add(tf.matMul(w['img.mix_regions1.kernel'] as tf.Tensor2D, xb), w['img.mix_regions1.bias']!)));
        return tf.add(across, tf.relu(tf.add(tf.matMul(across, w['img.mix_channels1.kernel'] as tf.Tensor2D), w['img.mix_channels1.bias']!)));
      });
      return tf.concat(studies, 0).dataSync();
    });
    expect(ours.length).toBe(reference.length);
    ours.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 5));
    x.dispose();
    disposeWeights(w);
  });

  it('with region maxima adds, before the last ReLU, each region’s max-pooled first-layer features times W', () => {
    const config: ImageEncoderConfig = { ...small, regionMax: true };
    const w = initImageEncoder(config, 6);
    const natural = Float32Array.from({ length: voxels }, (_, i) => Math.cos(i * 0.29));
    const ours = tf.tidy(() => encodeImage(w, config, tf.tensor2d(toPatchOrder(natural, config), [1, voxels])).dataSync());
    const reference = tf.tidy(() => {
      const layer = (x: tf.Tensor5D, i: number, k: [number, number, number], extra?: tf.Tensor) => {
        const z = tf.add(tf.conv3d(x, w[`img.conv${i}.kernel`] as tf.Tensor5D, k, 'valid'), w[`img.conv${i}.bias`]!);
        const h = tf.relu(extra ? tf.add(z, extra) : z) as tf.Tensor5D;
        const mix = w[`img.mix${i}.kernel`];
        return mix ? (tf.relu(tf.add(tf.conv3d(h, mix as tf.Tensor5D, 1, 'valid'), w[`img.mix${i}.bias`]!)) as tf.Tensor5D) : h;
      };
      const h1 = layer(tf.tensor5d(natural, [1, 8, 32, 32, 2]), 1, [2, 4, 4]); // [1, 4, 8, 8, 4]
      const pooled = tf.maxPool3d(h1, [4, 4, 4], [4, 4, 4], 'valid'); // [1, 1, 2, 2, 4]: one cell per region
      const extra = tf.reshape(tf.matMul(tf.reshape(pooled, [4, 4]), w['img.region_max.kernel'] as tf.Tensor2D), [1, 1, 2, 2, 8]);
      return layer(layer(h1, 2, [2, 2, 2]), 3, [2, 2, 2], extra).dataSync();
    });
    expect(ours.length).toBe(reference.length);
    ours.forEach((v, i) => expect(v).toBeCloseTo(reference[i]!, 4));
    // By hand: two regions of 64 first-layer cells, channel-wise maxima.
    const rows = tf.tensor2d(Float32Array.from({ length: 128 * 2 }, (_, i) => (i % 2 ? -i : i)), [128, 2]);
    expect(Array.from(regionMaximum(rows, config).dataSync())).toEqual([126, -1, 254, -129]);
    rows.dispose();
    expect(countParams(w) - countParams(initImageEncoder(small, 6))).toBe(4 * 8);
    expect(imageEncoderFlops(config) - imageEncoderFlops(small)).toBe(2 * 4 * 4 * 8);
    disposeWeights(w);
  });

  it('thresholds add two input channels after the windows, the nodule filter one more after them; encoderChannels computes what the config reads', () => {
    expect(withThresholds(small).channels).toBe(4);
    expect(withDotFilter(small).channels).toBe(3);
    const both = withDotFilter(withThresholds(small));
    expect(both.channels).toBe(5);
    expect(encoderInputOptions(both)).toEqual({ thresholds: true, dot: both.dotFilter });
    expect(encoderInputOptions(small)).toEqual({});
    const w = initImageEncoder(withThresholds(small), 1);
    expect(w['img.conv1.kernel']!.shape).toEqual([2, 4, 4, 4, 4]);
    disposeWeights(w);
  });

  it('with log features the retriever and decoder read log(1 + x) of the features the head reads, with the same weights', () => {
    const config: ImageEncoderConfig = { ...small, logFeatures: true };
    const w = initImageEncoder(small, 4);
    w['img.conv3.bias']!.dispose();
    w['img.conv3.bias'] = tf.tidy(() => tf.variable(tf.fill([8], 3))); // features near 3, where log(1 + x) is far from x; tidy frees the fill
    const x = tf.tensor2d(Float32Array.from({ length: voxels }, (_, i) => Math.sin(i * 0.53)), [1, voxels]);
    const plain = tf.tidy(() => encodeImage(w, small, x).dataSync());
    const mapped = tf.tidy(() => regionFeatures(w, config, x).dataSync());
    expect(tf.tidy(() => encodeImage(w, config, x).dataSync())).toEqual(plain);
    expect(tf.tidy(() => regionFeatures(w, small, x).dataSync())).toEqual(plain);
    expect(Math.min(...plain)).toBeGreaterThan(2);
    mapped.forEach((v, i) => expect(v).toBeCloseTo(Math.log(1 + plain[i]!), 5));
    expect(imageEncoderMismatch(w, config)).toBeUndefined();
    x.dispose();
    disposeWeights(w);
  });

  it('with head features the retriever and decoder also read σ of each head output, computed from the unmapped features', () => {
    const config: ImageEncoderConfig = { ...small, logFeatures: true, headFeatures: true };
    const w = initImageEncoder(small, 4);
    const x = tf.tensor2d(Float32Array.from({ length: voxels }, (_, i) => Math.cos(i * 0.37)), [1, voxels]);
    const plain = tf.tidy(() => encodeImage(w, small, x).dataSync());
    const logits = tf.tidy(() => regionLogits(w, encodeImage(w, small, x)).dataSync());
    const read = tf.tidy(() => regionFeatures(w, config, x));
    const width = regionWidth(small);
    const outputs = headOutputs(small);
    expect(featureWidth(config)).toBe(width + outputs);
    expect(featureWidth(small)).toBe(width);
    expect(read.shape).toEqual([1, 1, 2, 2, width + outputs]);
    const values = read.dataSync();
    for (let r = 0; r < 4; r++) {
      for (let k = 0; k < width; k++) expect(values[r * (width + outputs) + k]).toBeCloseTo(Math.log(1 + plain[r * width + k]!), 5);
      for (let k = 0; k < outputs; k++) expect(values[r * (width + outputs) + width + k]).toBeCloseTo(1 / (1 + Math.exp(-logits[r * outputs + k]!)), 5);
    }
    expect(imageEncoderMismatch(w, config)).toBeUndefined();
    read.dispose();
    x.dispose();
    disposeWeights(w);
  });

  it('with filter features the retriever and decoder also read the fixed filters’ maxima, each region’s after its features', () => {
    const config: ImageEncoderConfig = { ...small, filterFeatures: true };
    const w = initImageEncoder(small, 4);
    const x = tf.tensor2d(Float32Array.from({ length: voxels }, (_, i) => Math.cos(i * 0.37)), [1, voxels]);
    const maxima = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]; // 4 regions × 2 filters
    const plain = tf.tidy(() => encodeImage(w, small, x).dataSync());
    const read = tf.tidy(() => regionFeatures(w, config, x, tf.tensor2d(maxima, [1, 8])));
    const width = regionWidth(small);
    expect(featureWidth(config)).toBe(width + 2);
    expect(read.shape).toEqual([1, 1, 2, 2, width + 2]);
    const values = read.dataSync();
    for (let r = 0; r < 4; r++) {
      for (let k = 0; k < width; k++) expect(values[r * (width + 2) + k]).toBeCloseTo(plain[r * width + k]!, 5);
      expect([values[r * (width + 2) + width], values[r * (width + 2) + width + 1]]).toEqual([Math.fround(maxima[2 * r]!), Math.fround(maxima[2 * r + 1]!)]);
    }
    expect(() => regionFeatures(w, config, x)).toThrow(/filter maxima are needed/);
    expect(imageEncoderMismatch(w, config)).toBeUndefined();
    read.dispose();
    x.dispose();
    disposeWeights(w);
  });

  it('the deep stem keeps the region grid, with a pointwise mix after every convolution but the last', () => {
    const w = initImageEncoder(deep, 1);
    // conv1 2·2·2·2 × 8, mix1 8 × 8, conv2 1·2·2·8 × 4, mix2 4 × 4, conv3 2·2·2·4 × 8, mix3 8 × 8, conv4 2·2·2·8 × 8, head 8 × 4; a bias per output.
    expect(countParams(w)).toBe(16 * 8 + 8 + 8 * 8 + 8 + 32 * 4 + 4 + 4 * 4 + 4 + 32 * 8 + 8 + 8 * 8 + 8 + 64 * 8 + 8 + 8 * 4 + 4);
    expect(regionGrid(deep)).toEqual(regionGrid(small));
    // conv1 4·16·16 cells, conv2 4·8·8, conv3 2·4·4, conv4 1·2·2; ×2 for multiply-add.
    expect(imageEncoderFlops(deep)).toBe(2 * (1024 * (16 * 8 + 8 * 8) + 256 * (32 * 4 + 4 * 4) + 32 * (32 * 8 + 8 * 8) + 4 * 64 * 8 + 4 * 8 * 4));
    expect(imageEncoderMismatch(w, small)).toContain('img.conv4.kernel: [2, 2, 2, 8, 8], configured none');
    expect(() => regionGrid({ ...deep, widths: [8, 8, 8] })).toThrow(/one width per kernel/);
    disposeWeights(w);
  });

  it('region mixing adds its layers to the parameters and FLOPs, lobes to the head; a saved encoder of another shape is told apart', () => {
    const plain = initImageEncoder(small, 1);
    const wide: ImageEncoderConfig = { ...small, regionMixing: 2, lobes: 5 };
    const w = initImageEncoder(wide, 1);
    // Per layer: 4 × 4 across the regions with a bias per region, 8 × 8 across the channels with a bias each; the head gains 5 outputs of 8 weights and a bias.
    expect(countParams(w) - countParams(plain)).toBe(2 * (4 * 4 + 4 + 8 * 8 + 8) + 5 * (8 + 1));
    // Per layer 4·4·8 + 4·8·8 multiply-adds; the head 4 × 8·5 more.
    expect(imageEncoderFlops(wide) - imageEncoderFlops(small)).toBe(2 * (2 * (4 * 4 * 8 + 4 * 8 * 8) + 4 * 8 * 5));
    expect(regionLogits(w, encodeImage(w, wide, tf.ones([1, voxels]) as tf.Tensor2D)).shape).toEqual([1, 1, 2, 2, 3 + 1 + 5]);
    expect(imageEncoderMismatch(w, wide)).toBeUndefined();
    const mismatch = imageEncoderMismatch(plain, wide);
    expect(mismatch).toContain('img.head.kernel: [1, 1, 1, 8, 4], configured [1, 1, 1, 8, 9]');
    expect(mismatch).toContain('img.mix_regions1.kernel: none, configured [4, 4]');
    disposeWeights(plain);
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
    // A bright cube in the top-left quarter; the target marks type 0 in that region.
    const volume = new Float32Array(voxels);
    for (let d = 0; d < 8; d++) for (let h = 0; h < 16; h++) for (let x = 0; x < 16; x++) for (let c = 0; c < 2; c++) volume[((d * 32 + h) * 32 + x) * 2 + c] = 1;
    const x = tf.tensor2d(toPatchOrder(volume, small), [1, voxels]);
    const target = tf.tidy(() => tf.pad(tf.ones([1, 1, 1, 1, 1]), [[0, 0], [0, 0], [0, 1], [0, 1], [0, 3]])) as tf.Tensor5D;
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.sigmoidCrossEntropy(target, regionLogits(w, encodeImage(w, small, x))) as tf.Scalar;
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
