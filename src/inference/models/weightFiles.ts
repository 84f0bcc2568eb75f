/**
 * Weight maps to and from tfjs's weights-manifest format (one binary blob + specs), in float32 for
 * training checkpoints or uint8-quantised for the shipped models. Quantised, each row of a tensor (all
 * axes but the last: a kernel's input unit, an embedding's token) has its own min and scale, so that rows
 * of different ranges — the LSTM kernel's input, context and hidden rows — each get 256 levels: that
 * rounds 2.7× more finely than one scale per tensor (RMS 0.66 % of a tensor's spread against 1.75 %, v13).
 * The codes are a manifest entry whose `quantization` field (min 0, scale 1) tf.io.decodeWeights reads;
 * each row's min and scale are float32 entries beside it (`name:row_min`, `name:row_scale`), applied by
 * `dequantizeRows`. Exports from before stored one min and scale per tensor in the field itself; they
 * decode unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { concatTyped } from '../arrays.ts';
import type { Weights } from './weights.ts';

export type WeightSpec = tf.io.WeightsManifestEntry;

export interface WeightFile {
  specs: WeightSpec[];
  data: Uint8Array;
}

/** Affine uint8 quantisation of some values (a tensor's row): min and scale such that v ≈ min + q·scale. */
export function quantizeUint8(values: Float32Array): { bytes: Uint8Array; min: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  const scale = max > min ? (max - min) / 255 : 1;
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round((values[i]! - min) / scale);
  return { bytes, min, scale };
}

/** Affine uint8 quantisation of each row of `columns` values (`quantizeUint8` per row). */
export function quantizeRowsUint8(values: Float32Array, columns: number): { bytes: Uint8Array; mins: Float32Array; scales: Float32Array } {
  const rows = values.length / columns;
  const bytes = new Uint8Array(values.length);
  const mins = new Float32Array(rows);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const q = quantizeUint8(values.subarray(r * columns, (r + 1) * columns));
    bytes.set(q.bytes, r * columns);
    mins[r] = q.min;
    scales[r] = q.scale;
  }
  return { bytes, mins, scales };
}

const ROW_MIN = ':row_min';
const ROW_SCALE = ':row_scale';

/** Codes of a row-quantised tensor (decoded by tf.io as 0–255) → values: code × its row's scale + its row's min. Other tensors pass through. */
export function dequantizeRows(tensors: tf.NamedTensorMap): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.endsWith(ROW_MIN) || name.endsWith(ROW_SCALE)) continue;
    const min = tensors[name + ROW_MIN];
    const scale = tensors[name + ROW_SCALE];
    out[name] = min && scale ? tf.tidy(() => tf.reshape(tf.add(tf.mul(tf.reshape(t, [min.shape[0]!, -1]), tf.expandDims(scale, 1)), tf.expandDims(min, 1)), t.shape)) : t;
  }
  for (const [name, t] of Object.entries(tensors)) if (out[name] !== t) t.dispose();
  return out;
}

/**
 * Tensors smaller than this stay float32 when quantising: biases, gates and the like are the most
 * sensitive to rounding and together weigh a few kilobytes.
 */
export const QUANTIZE_MIN_VALUES = 1024;

const floatBytes = (values: Float32Array) => new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));

/** Serialises weights in name order; `quantize` stores uint8 codes with per-row mins and scales instead of float32 (for tensors of ≥ QUANTIZE_MIN_VALUES values). */
export function encodeWeightFile(weights: Weights, quantize: boolean): WeightFile {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const name of Object.keys(weights).sort()) {
    const t = weights[name]!;
    const values = t.dataSync() as Float32Array;
    if (quantize && values.length >= QUANTIZE_MIN_VALUES) {
      const q = quantizeRowsUint8(values, t.shape[t.shape.length - 1]!);
      specs.push({ name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } });
      specs.push({ name: name + ROW_MIN, shape: [q.mins.length], dtype: 'float32' });
      specs.push({ name: name + ROW_SCALE, shape: [q.scales.length], dtype: 'float32' });
      chunks.push(q.bytes, floatBytes(q.mins), floatBytes(q.scales));
    } else {
      specs.push({ name, shape: t.shape, dtype: 'float32' });
      chunks.push(floatBytes(values));
    }
  }
  return { specs, data: concatTyped(chunks, (n) => new Uint8Array(n)) };
}

/** Restores a weight map from specs and data, dequantising as the specs say: trainable variables (checkpoints) or frozen ones (an exported model). */
export function decodeWeightFile(file: WeightFile, trainable = true): Weights {
  const buffer = file.data.buffer.slice(file.data.byteOffset, file.data.byteOffset + file.data.byteLength) as ArrayBuffer;
  const tensors = dequantizeRows(tf.io.decodeWeights(buffer, file.specs));
  const weights: Weights = {};
  for (const [name, t] of Object.entries(tensors)) {
    weights[name] = tf.variable(t, trainable);
    t.dispose();
  }
  return weights;
}
