/**
 * The image encoder: a 3D CNN over the preprocessed volume (paper A §3: a pretrained 3D CNN whose last
 * convolutional layer gives the image features). Its output cells — slices × rows × columns of the last
 * feature map — are the regions the decoder attends to. A 1×1×1 head predicts, per region, which finding
 * types lie there, whether any does, and (with `lobes`) which lobes the findings there lie in: the
 * auxiliary task it is pretrained on (from the corpus's voxel labels; issue 5: "finding presence and type
 * per lobe"). The lobe outputs teach the region features where a finding is, in the terms a summary names
 * it: a lobe the text omits can only come from there.
 *
 * Every convolution has kernel = stride (a "patchify" stem followed by 2×2×2 downsampling convolutions,
 * as in ViT/ConvNeXt stems), so each is exactly one plain matrix product once the voxels are stored in
 * patch order (`toPatchOrder`): the children of every output cell lie next to each other. On tfjs's wasm
 * backend that runs at matMul speed (~25 GFLOP/s) instead of Conv3D's ~0.5 GFLOP/s, and trains.
 *
 *   input  [B, D, H, W, 2–5] lung and mediastinal windows (preprocess.ts), optionally the two thresholds and the nodule filter, in patch order
 *   conv1  2×4×4, stride 2×4×4  → [B, D/2, H/4,  W/4,  c1]
 *   mix1   1×1×1                → [B, D/2, H/4,  W/4,  c1]
 *   conv2  2×2×2, stride 2×2×2  → [B, D/4, H/8,  W/8,  c2]
 *   mix2   1×1×1                → [B, D/4, H/8,  W/8,  c2]
 *   conv3  2×2×2, stride 2×2×2  → [B, D/8, H/16, W/16, c3]
 *   mixing (optional) across regions, then across channels, residual  → the regions
 *   head   1×1×1                → [B, D/8, H/16, W/16, findingTypes + 1 + lobes]   (types, any finding, lobes)
 * The retriever and decoder read the regions (`regionFeatures`), optionally as log(1 + x), optionally with the
 * head's probabilities beside them.
 */
import * as tf from '@tensorflow/tfjs';
import { DOT_FILTER, type DotFilterConfig } from '../dotFilter.ts';
import { FILTER_COUNT } from '../filterMaxima.ts';
import { INPUT_WINDOWS, THRESHOLD_WINDOWS, type Grid, type InputOptions } from '../preprocess.ts';
import { maxOverMiddleAxis } from '../tf/fastGradients.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface ImageEncoderConfig {
  /** The grid volumes are resampled to. */
  grid: Grid;
  /** Input channels: one per window, then the threshold channels with `thresholds`, then the nodule filter's response with `dotFilter`. */
  channels: number;
  /** The quantitative-CT threshold channels (`THRESHOLD_WINDOWS`) after the windows (absent: none, as in models trained before them). */
  thresholds?: boolean;
  /** A nodule-enhancement filter's response as one more input channel (`dotFilter.ts`; absent: none, as in models trained before it). */
  dotFilter?: DotFilterConfig;
  /** Feature widths of the convolutions, one per kernel; the last is the region feature size. */
  widths: number[];
  /**
   * Kernel (= stride) of each convolution, finest first (absent: `KERNELS`, as in models trained before
   * the option). A deeper stack of smaller cells (`DEEP_KERNELS`) gives the same region grid with a
   * non-linear step inside what `KERNELS` reads as one 2×4×4 linear patch: a nodule of a pixel or two looks
   * the same to it wherever in the patch it falls.
   */
  kernels?: Kernel[];
  /** Finding types the auxiliary head predicts (it has one more output: any finding). */
  findingTypes: number;
  /** Lobes the head also predicts, in the order of LOBES (absent: none, as in models trained before them). */
  lobes?: number;
  /**
   * Region-mixing layers after conv3 (absent: none), each as in MLP-Mixer (Tolstikhin et al. 2021): a
   * residual linear map across the regions (every region reads every other, with weights learnt per pair
   * of places), then a residual linear map across the channels, each followed by ReLU. Without them a
   * region's feature sees only its own block of voxels, while a lobe is told by where the fissures run
   * around it. (3×3×3 convolutions over the region grid were the first try: wasm's rank-5 slice, pad and
   * concat made one 3.4 s per batch of 8.)
   */
  regionMixing?: number;
  /**
   * Each region also reads the maximum, over its first-layer cells, of their features (absent: no, as in
   * models trained before the option), through a linear map added before the last convolution's ReLU. The
   * strided convolutions sum what a region's 64 cells say, so one small nodule is outvoted by the vessels
   * around it; a maximum is the same detector wherever in the region the nodule falls (multiple-instance
   * pooling, as in detectors of small lesions).
   */
  regionMax?: boolean;
  /**
   * The retriever and the decoder read the region features as log(1 + x) (`regionFeatures`; absent: as they
   * are, as in models trained before the option); the head is pretrained on them unmapped. With the
   * threshold channels a few regions (emphysema, cavities) reach features near 100 against a usual few,
   * and the decoder trained on them did not learn (v40). Mapping them before the head as well (v41) cost
   * the head much of what the thresholds gave it.
   */
  logFeatures?: boolean;
  /**
   * The retriever and the decoder also read, per region, the head's probabilities (σ of each head output)
   * after the features (absent: no, as in models trained before the option). The head is pretrained on
   * the voxel labels and detects emphysema and cavities with the threshold channels (v40), but decoders
   * reading only the features before it, trained on summaries alone, did not name those findings when the
   * text omits them (v42): this hands them what the head learnt.
   */
  headFeatures?: boolean;
  /**
   * The retriever and the decoder also read, per region, the largest response of two fixed filters run on
   * the volume (`regionFilterMaxima`: the nodule filter and the ground-glass filter), after the other
   * features (absent: no, as in models trained before the option). Given the side the text names, their
   * peaks lie on solid nodules, calcifications and ground-glass nodules far more often than the learned
   * encoder's head does: its strided convolutions sum a region's cells, and the maximum is lost.
   */
  filterFeatures?: boolean;
}

/** Outputs of the auxiliary head per region: each finding type, any finding, then each lobe. */
export function headOutputs(c: ImageEncoderConfig): number {
  return c.findingTypes + 1 + (c.lobes ?? 0);
}

export const DEFAULT_IMAGE_ENCODER: ImageEncoderConfig = { grid: { depth: 32, height: 128, width: 128 }, channels: 2, widths: [32, 64, 64], findingTypes: 9 };

/** The encoder `c` reading the nodule filter's response (`DOT_FILTER`) as one more input channel, after the windows and thresholds. */
export function withDotFilter(c: ImageEncoderConfig): ImageEncoderConfig {
  return { ...c, channels: inputChannels({ ...c, dotFilter: DOT_FILTER }), dotFilter: DOT_FILTER };
}

/** The encoder `c` reading the threshold channels (`THRESHOLD_WINDOWS`) after the windows. */
export function withThresholds(c: ImageEncoderConfig): ImageEncoderConfig {
  return { ...c, channels: inputChannels({ ...c, thresholds: true }), thresholds: true };
}

/** What `encoderChannels` must compute for `c` beside the windows. */
export function encoderInputOptions(c: ImageEncoderConfig): InputOptions {
  return { ...(c.thresholds ? { thresholds: true } : {}), ...(c.dotFilter ? { dot: c.dotFilter } : {}) };
}

/** Input channels a configuration's options imply: the windows, the thresholds, the nodule filter. */
function inputChannels(c: Pick<ImageEncoderConfig, 'thresholds' | 'dotFilter'>): number {
  return INPUT_WINDOWS.length + (c.thresholds ? THRESHOLD_WINDOWS.length : 0) + (c.dotFilter ? 1 : 0);
}

type Kernel = [number, number, number];

/** Kernel (= stride) of each convolution, finest first: the default stack. */
export const KERNELS: Kernel[] = [
  [2, 4, 4],
  [2, 2, 2],
  [2, 2, 2],
];

/** The deeper stack (`--deep-stem`): the first 2×4×4 cell split into 2×2×2 and 1×2×2; the same region grid. */
export const DEEP_KERNELS: Kernel[] = [
  [2, 2, 2],
  [1, 2, 2],
  [2, 2, 2],
  [2, 2, 2],
];

const cells = (k: Kernel) => k[0] * k[1] * k[2];

/** The encoder `c` with the deeper stack (`DEEP_KERNELS`): 8 features on each 2×2×2 cell, then `c`'s widths. */
export function withDeepStem(c: ImageEncoderConfig): ImageEncoderConfig {
  return { ...c, kernels: DEEP_KERNELS, widths: [8, ...c.widths] };
}

/** The kernels `c` uses. */
export const kernelsOf = (c: ImageEncoderConfig): Kernel[] => c.kernels ?? KERNELS;

/** The width of a region's feature: the last convolution's. */
export const regionWidth = (c: ImageEncoderConfig): number => c.widths.at(-1)!;

/** The width of what the retriever and decoder read per region (`regionFeatures`): the feature, the head's outputs with `headFeatures`, the filters' maxima with `filterFeatures`. */
export const featureWidth = (c: ImageEncoderConfig): number => regionWidth(c) + (c.headFeatures ? headOutputs(c) : 0) + (c.filterFeatures ? FILTER_COUNT : 0);

/** The convolutions before the last each followed by a pointwise one (depth at matMul cost). */
const mixedAfter = (c: ImageEncoderConfig, i: number): boolean => i < c.widths.length - 1;

/** The region grid the encoder produces for its input grid. */
export function regionGrid(c: ImageEncoderConfig): Grid {
  if (kernelsOf(c).length !== c.widths.length) throw new Error(`the encoder needs one width per kernel (${kernelsOf(c).length} kernels, ${c.widths.length} widths)`);
  const [d, h, w] = kernelsOf(c).reduce(([a, b, e], k) => [a * k[0], b * k[1], e * k[2]], [1, 1, 1]);
  if (c.grid.depth % d || c.grid.height % h || c.grid.width % w) throw new Error(`the encoder grid must be a multiple of ${d}×${h}×${w}`);
  return { depth: c.grid.depth / d, height: c.grid.height / h, width: c.grid.width / w };
}

/**
 * Where each voxel of a channels-last [D, H, W, C] volume goes in patch order: region, then its conv3
 * child, conv2 child, conv1 pixel, channel (each cell's position row-major). The offset is a sum over the
 * three axes, so one table per axis gives it.
 */
function axisOffsets(size: number, axis: 0 | 1 | 2, regions: Grid, channels: number, kernels: Kernel[]): Int32Array {
  const regionAxis = [regions.depth, regions.height, regions.width];
  const out = new Int32Array(size);
  for (let x = 0; x < size; x++) {
    let rest = x;
    let unit = channels; // elements per step of the finest cell
    let offset = 0;
    for (const k of kernels) {
      const within = k.slice(axis + 1).reduce((a, b) => a * b, 1); // row-major position weight inside the cell
      offset += (rest % k[axis]) * within * unit;
      rest = Math.floor(rest / k[axis]);
      unit *= cells(k);
    }
    offset += rest * regionAxis.slice(axis + 1).reduce((a, b) => a * b, 1) * unit;
    out[x] = offset;
  }
  return out;
}

/** A channels-last volume on the encoder grid, rearranged into the patch order the encoder reads. */
export function toPatchOrder<T extends Float32Array | Uint8Array | Int32Array>(values: T, c: ImageEncoderConfig): T {
  const { depth, height, width } = c.grid;
  const regions = regionGrid(c);
  const [od, oh, ow] = ([0, 1, 2] as const).map((axis) => axisOffsets([depth, height, width][axis]!, axis, regions, c.channels, kernelsOf(c))) as [Int32Array, Int32Array, Int32Array];
  const out = new (values.constructor as new (n: number) => T)(values.length);
  let i = 0;
  for (let d = 0; d < depth; d++)
    for (let h = 0; h < height; h++)
      for (let w = 0; w < width; w++) {
        const base = od[d]! + oh[h]! + ow[w]!;
        for (let ch = 0; ch < c.channels; ch++) out[base + ch] = values[i++]!;
      }
  return out;
}

export function initImageEncoder(c: ImageEncoderConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  let inC = c.channels;
  c.widths.forEach((outC, i) => {
    b.kernel(`img.conv${i + 1}.kernel`, [...kernelsOf(c)[i]!, inC, outC]);
    b.zeros(`img.conv${i + 1}.bias`, [outC]);
    if (mixedAfter(c, i)) {
      b.kernel(`img.mix${i + 1}.kernel`, [1, 1, 1, outC, outC]);
      b.zeros(`img.mix${i + 1}.bias`, [outC]);
    }
    inC = outC;
  });
  if (c.regionMax) {
    b.kernel('img.region_max.kernel', [c.widths[0]!, regionWidth(c)]);
  }
  const r = regionGrid(c);
  const regions = r.depth * r.height * r.width;
  for (let k = 1; k <= (c.regionMixing ?? 0); k++) {
    b.kernel(`img.mix_regions${k}.kernel`, [regions, regions]);
    b.zeros(`img.mix_regions${k}.bias`, [regions, 1]);
    b.kernel(`img.mix_channels${k}.kernel`, [inC, inC]);
    b.zeros(`img.mix_channels${k}.bias`, [inC]);
  }
  b.kernel('img.head.kernel', [1, 1, 1, inC, headOutputs(c)]);
  b.zeros('img.head.bias', [headOutputs(c)]);
  return b.weights;
}

/** Why saved weights cannot serve this configuration (a tensor missing, extra or of another shape), or undefined when they can. */
export function imageEncoderMismatch(w: Weights, c: ImageEncoderConfig): string | undefined {
  const expected = initImageEncoder(c, 0);
  const names = new Set([...Object.keys(expected), ...Object.keys(w)]);
  const shape = (t: tf.Tensor | undefined) => (t ? `[${t.shape.join(', ')}]` : 'none');
  const wrong = [...names].filter((n) => shape(expected[n]) !== shape(w[n])).map((n) => `${n}: ${shape(w[n])}, configured ${shape(expected[n])}`);
  Object.values(expected).forEach((t) => t.dispose());
  return wrong.length ? wrong.join('; ') : undefined;
}

/** Volumes in patch order [B, D·H·W·C] → region features [B, D', H', W', widths[2]]. */
export function encodeImage(w: Weights, c: ImageEncoderConfig, x: tf.Tensor2D): tf.Tensor5D {
  return tf.tidy(() => {
    const [batch] = x.shape;
    let h: tf.Tensor2D = x;
    let inC = c.channels;
    let firstLayer: tf.Tensor2D | undefined;
    const last = c.widths.length - 1;
    c.widths.forEach((outC, i) => {
      const size = cells(kernelsOf(c)[i]!) * inC;
      const kernel = tf.reshape(w[`img.conv${i + 1}.kernel`]!, [size, outC]) as tf.Tensor2D;
      const patches = tf.reshape(h, [-1, size]) as tf.Tensor2D; // one row per output cell
      let z = tf.add(tf.matMul(patches, kernel), w[`img.conv${i + 1}.bias`]!) as tf.Tensor2D;
      if (i === last && firstLayer) z = tf.add(z, tf.matMul(regionMaximum(firstLayer, c), w['img.region_max.kernel'] as tf.Tensor2D));
      h = tf.relu(z) as tf.Tensor2D;
      if (mixedAfter(c, i)) h = tf.relu(tf.add(tf.matMul(h, tf.reshape(w[`img.mix${i + 1}.kernel`]!, [outC, outC]) as tf.Tensor2D), w[`img.mix${i + 1}.bias`]!)) as tf.Tensor2D;
      if (i === 0 && c.regionMax) firstLayer = h;
      inC = outC;
    });
    const r = regionGrid(c);
    for (let k = 1; k <= (c.regionMixing ?? 0); k++) h = mixRegions(w, k, h, batch);
    return tf.reshape(h, [batch, r.depth, r.height, r.width, inC]) as tf.Tensor5D;
  });
}

/**
 * What the retriever and the decoder read per region [B, D', H', W', featureWidth]: `encodeImage`'s features,
 * through log(1 + x) with `logFeatures` (they are ≥ 0, after ReLUs), then with `headFeatures` the head's
 * probabilities, computed from the unmapped features as in pretraining, then with `filterFeatures` the
 * fixed filters' maxima `filters` [B, regions · FILTER_COUNT] (`regionFilterMaxima`, one row per volume).
 */
export function regionFeatures(w: Weights, c: ImageEncoderConfig, x: tf.Tensor2D, filters?: tf.Tensor2D): tf.Tensor5D {
  if (c.filterFeatures && !filters) throw new Error('filterFeatures: the regions\' filter maxima are needed (regionFilterMaxima)');
  return tf.tidy(() => {
    const regions = encodeImage(w, c, x);
    const read = c.logFeatures ? tf.log1p(regions) : regions;
    const [batch, d, h, wd] = regions.shape;
    const parts = [read, ...(c.headFeatures ? [tf.sigmoid(regionLogits(w, regions))] : []), ...(c.filterFeatures ? [tf.reshape(filters!, [batch, d, h, wd, FILTER_COUNT])] : [])];
    return parts.length > 1 ? (tf.concat(parts, 4) as tf.Tensor5D) : read;
  });
}

/** First-layer features [B·R·cells, C] in patch order (a region's cells are consecutive rows) → each region's maximum [B·R, C]. */
export function regionMaximum(firstLayer: tf.Tensor2D, c: ImageEncoderConfig): tf.Tensor2D {
  const perRegion = kernelsOf(c).slice(1).reduce((n, k) => n * cells(k), 1);
  return maxOverMiddleAxis(tf.reshape(firstLayer, [-1, perRegion, firstLayer.shape[1]]));
}

/**
 * Mixing layer k over region features [B·R, C] (rows batch-major): across regions, x + ReLU(W_r x + b_r)
 * for each study and channel (W_r: [R, R]), then across channels, x + ReLU(x W_c + b_c). The regions'
 * product runs as one matMul over all studies' channels side by side ([R, R] × [R, B·C]).
 */
export function mixRegions(w: Weights, k: number, x: tf.Tensor2D, batch: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [rows, ch] = x.shape;
    const regions = rows / batch;
    const byRegion = tf.reshape(tf.transpose(tf.reshape(x, [batch, regions, ch]), [1, 0, 2]), [regions, batch * ch]) as tf.Tensor2D;
    const mixed = tf.relu(tf.add(tf.matMul(w[`img.mix_regions${k}.kernel`] as tf.Tensor2D, byRegion), w[`img.mix_regions${k}.bias`]!));
    const acrossRegions = tf.add(x, tf.reshape(tf.transpose(tf.reshape(mixed, [regions, batch, ch]), [1, 0, 2]), [rows, ch])) as tf.Tensor2D;
    return tf.add(acrossRegions, tf.relu(tf.add(tf.matMul(acrossRegions, w[`img.mix_channels${k}.kernel`] as tf.Tensor2D), w[`img.mix_channels${k}.bias`]!))) as tf.Tensor2D;
  });
}

/** Region features → logits of each head output (finding types, any finding, lobes) per region [B, D', H', W', headOutputs]. */
export function regionLogits(w: Weights, regions: tf.Tensor5D): tf.Tensor5D {
  return tf.tidy(() => {
    const kernel = tf.reshape(w['img.head.kernel']!, [regions.shape[4], -1]) as tf.Tensor2D;
    const flat = tf.reshape(regions, [-1, regions.shape[4]]) as tf.Tensor2D;
    const [b, d, h, wd] = regions.shape;
    return tf.reshape(tf.add(tf.matMul(flat, kernel), w['img.head.bias']!), [b, d, h, wd, kernel.shape[1]]) as tf.Tensor5D;
  });
}

/** Multiply–accumulate count ×2 of one forward pass (for the model card's FLOPs). */
export function imageEncoderFlops(c: ImageEncoderConfig): number {
  let outputs = c.grid.depth * c.grid.height * c.grid.width;
  let inC = c.channels;
  let flops = 0;
  c.widths.forEach((outC, i) => {
    const k = kernelsOf(c)[i]!;
    outputs /= cells(k);
    flops += 2 * outputs * cells(k) * inC * outC + (mixedAfter(c, i) ? 2 * outputs * outC * outC : 0);
    inC = outC;
  });
  return flops + (c.regionMax ? 2 * outputs * c.widths[0]! * inC : 0) + (c.regionMixing ?? 0) * 2 * (outputs * outputs * inC + outputs * inC * inC) + 2 * outputs * inC * headOutputs(c);
}
