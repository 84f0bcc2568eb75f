/**
 * Reading an exported model (public/models/<name>): dequantises the uint8 weights through tf.io and the
 * int8 passage index, then builds the summarizer. Platform-free: the caller supplies the files' bytes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Passage } from '../corpus/passages.ts';
import type { Weights } from './models/weights.ts';
import { createSummarizer, type ModelConfig, type Summarizer } from './summarizer.ts';

export interface ExportedFiles {
  config: string;
  weightsJson: string;
  weightsBin: Uint8Array;
  tokenizer: string;
  passages: string;
  index: Uint8Array;
  indexScales: Uint8Array;
}

export function loadExportedModel(files: ExportedFiles): Summarizer {
  const config = JSON.parse(files.config) as ModelConfig;
  const [group] = JSON.parse(files.weightsJson) as tf.io.WeightsManifestConfig;
  const bin = files.weightsBin;
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, group!.weights);
  const weights: Weights = {};
  for (const [name, t] of Object.entries(tensors)) {
    weights[name] = tf.variable(t, false);
    t.dispose();
  }
  const q = new Int8Array(files.index.buffer, files.index.byteOffset, files.index.byteLength);
  const scales = new Float32Array(files.indexScales.buffer.slice(files.indexScales.byteOffset, files.indexScales.byteOffset + files.indexScales.byteLength));
  const dim = q.length / scales.length;
  const vectors = Float32Array.from(q, (v, i) => v * scales[Math.floor(i / dim)]!);
  return createSummarizer(config, weights, JSON.parse(files.tokenizer) as object, JSON.parse(files.passages) as Passage[], { vectors, dim });
}
