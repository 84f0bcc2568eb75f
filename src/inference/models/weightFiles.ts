/**
 * Weight maps to and from tfjs's weights-manifest format (one binary blob + specs), in float32 for
 * training checkpoints or uint8-quantised for the shipped models: each tensor stores (value − min) / scale
 * as a byte, and the spec's `quantization` field lets tf.io.decodeWeights restore it.
 */
import * as tf from '@tensorflow/tfjs';
import { concatTyped } from '../arrays.ts';
import type { Weights } from './weights.ts';

export type WeightSpec = tf.io.WeightsManifestEntry;

export interface WeightFile {
  specs: WeightSpec[];
  data: Uint8Array;
}

/** Affine uint8 quantisation of one tensor's values: min and scale such that v ≈ min + q·scale. */
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

/**
 * Tensors smaller than this stay float32 when quantising: biases, gates and the like are the most
 * sensitive to rounding and together weigh a few kilobytes.
 */
export const QUANTIZE_MIN_VALUES = 1024;

/** Serialises weights in name order; `quantize` stores uint8 instead of float32 (for tensors of ≥ QUANTIZE_MIN_VALUES values). */
export function encodeWeightFile(weights: Weights, quantize: boolean): WeightFile {
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const name of Object.keys(weights).sort()) {
    const t = weights[name]!;
    const values = t.dataSync() as Float32Array;
    if (quantize && values.length >= QUANTIZE_MIN_VALUES) {
      const q = quantizeUint8(values);
      specs.push({ name, shape: t.shape, dtype: 'float32', quantization: { dtype: 'uint8', min: q.min, scale: q.scale } });
      chunks.push(q.bytes);
    } else {
      specs.push({ name, shape: t.shape, dtype: 'float32' });
      chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
    }
  }
  return { specs, data: concatTyped(chunks, (n) => new Uint8Array(n)) };
}

/** Restores a weight map (trainable variables) from specs and data, dequantising as the specs say. */
export function decodeWeightFile(file: WeightFile): Weights {
  const buffer = file.data.buffer.slice(file.data.byteOffset, file.data.byteOffset + file.data.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, file.specs);
  const weights: Weights = {};
  for (const [name, t] of Object.entries(tensors)) {
    weights[name] = tf.variable(t, true);
    t.dispose();
  }
  return weights;
}
