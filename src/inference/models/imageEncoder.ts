/**
 * The image encoder: a small 3D CNN over the preprocessed volume (paper A §3: a pretrained 3D CNN whose
 * last convolutional layer gives the image features). Its output cells — slices × rows × columns of the
 * last feature map — are the regions the decoder attends to. A 1×1×1 head predicts, per region, which
 * finding types lie there: the auxiliary task it is pretrained on (from the corpus's voxel labels).
 *
 *   input  [B, D, H, W, 2]      lung and mediastinal windows (preprocess.ts)
 *   conv1  3×3×3, stride 1,2,2  → [B, D,   H/2, W/2, c1]
 *   conv2  3×3×3, stride 2,2,2  → [B, D/2, H/4, W/4, c2]
 *   conv3  3×3×3, stride 2,2,2  → [B, D/4, H/8, W/8, c3]   = the regions
 *   head   1×1×1                → [B, D/4, H/8, W/8, findingTypes]
 */
import * as tf from '@tensorflow/tfjs';
import type { Grid } from '../preprocess.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface ImageEncoderConfig {
  /** The grid volumes are resampled to. */
  grid: Grid;
  /** Input channels: one per window. */
  channels: number;
  /** Feature widths of the three convolutions; the last is the region feature size. */
  widths: [number, number, number];
  /** Outputs of the auxiliary head: one per finding type. */
  findingTypes: number;
}

export const DEFAULT_IMAGE_ENCODER: ImageEncoderConfig = { grid: { depth: 16, height: 64, width: 64 }, channels: 2, widths: [16, 32, 64], findingTypes: 9 };

const STRIDES: [number, number, number][] = [
  [1, 2, 2],
  [2, 2, 2],
  [2, 2, 2],
];

/** The region grid the encoder produces for its input grid. */
export function regionGrid(c: ImageEncoderConfig): Grid {
  return { depth: c.grid.depth / 4, height: c.grid.height / 8, width: c.grid.width / 8 };
}

export function initImageEncoder(c: ImageEncoderConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  let inC = c.channels;
  c.widths.forEach((outC, i) => {
    b.kernel(`img.conv${i + 1}.kernel`, [3, 3, 3, inC, outC]);
    b.zeros(`img.conv${i + 1}.bias`, [outC]);
    inC = outC;
  });
  b.kernel('img.head.kernel', [1, 1, 1, inC, c.findingTypes]);
  b.zeros('img.head.bias', [c.findingTypes]);
  return b.weights;
}

/** Volume → region features [B, D/4, H/8, W/8, widths[2]]. */
export function encodeImage(w: Weights, x: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => {
    let h: tf.Tensor5D = x;
    STRIDES.forEach((stride, i) => {
      const conv = tf.conv3d(h, w[`img.conv${i + 1}.kernel`] as tf.Tensor5D, stride, 'same'); // [B, D', H', W', c]
      h = tf.relu(tf.add(conv, w[`img.conv${i + 1}.bias`]!)) as tf.Tensor5D;
    });
    return h;
  });
}

/** Region features → logits of each finding type being present in each region [B, D', H', W', types]. */
export function regionLogits(w: Weights, regions: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => tf.add(tf.conv3d(regions, w['img.head.kernel'] as tf.Tensor5D, 1, 'valid'), w['img.head.bias']!) as tf.Tensor5D);
}

/** Multiply–accumulate count ×2 of one forward pass (for the model card's FLOPs). */
export function imageEncoderFlops(c: ImageEncoderConfig): number {
  let grid = c.grid;
  let inC = c.channels;
  let flops = 0;
  c.widths.forEach((outC, i) => {
    const [sd, sh, sw] = STRIDES[i]!;
    grid = { depth: grid.depth / sd, height: grid.height / sh, width: grid.width / sw };
    flops += 2 * grid.depth * grid.height * grid.width * outC * 27 * inC;
    inC = outC;
  });
  return flops + 2 * grid.depth * grid.height * grid.width * inC * c.findingTypes;
}
