/**
 * Reading an exported model (public/models/<name>): dequantises the uint8 weights through tf.io and, for
 * the retrieval model, the int8 passage index, then builds the summarizer of the config's kind.
 * Platform-free: the caller supplies the files' bytes.
 */
import * as tf from '@tensorflow/tfjs';
import type { Passage } from '../corpus/passages.ts';
import { decodeWeightFile } from './models/weightFiles.ts';
import { createGenerativeSummarizer, type GenerativeModelConfig } from './generativeSummarizer.ts';
import { createSummarizer, type ModelConfig, type Summarizer } from './summarizer.ts';

export interface ExportedFiles {
  config: string;
  weightsJson: string;
  weightsBin: Uint8Array;
  tokenizer: string;
  /** The retrieval model's passages and their index (a generative model has none). */
  passages?: string;
  index?: Uint8Array;
  indexScales?: Uint8Array;
}

/** Files a model of each kind must have. */
export const MODEL_FILES = {
  retrieval: ['config.json', 'weights.json', 'weights.bin', 'tokenizer.json', 'passages.json', 'index.bin', 'index-scales.bin'],
  generative: ['config.json', 'weights.json', 'weights.bin', 'tokenizer.json'],
} as const;

export function loadExportedModel(files: ExportedFiles): Summarizer {
  const config = JSON.parse(files.config) as ModelConfig | GenerativeModelConfig;
  const [group] = JSON.parse(files.weightsJson) as tf.io.WeightsManifestConfig;
  const weights = decodeWeightFile({ specs: group!.weights, data: files.weightsBin }, false);
  const tokenizer = JSON.parse(files.tokenizer) as object;
  if (config.kind === 'generative') return createGenerativeSummarizer(config, weights, tokenizer);
  if (!files.passages || !files.index || !files.indexScales) throw new Error('a retrieval model needs passages.json, index.bin and index-scales.bin');
  const q = new Int8Array(files.index.buffer, files.index.byteOffset, files.index.byteLength);
  const scales = new Float32Array(files.indexScales.buffer.slice(files.indexScales.byteOffset, files.indexScales.byteOffset + files.indexScales.byteLength));
  return createSummarizer(config, weights, tokenizer, JSON.parse(files.passages) as Passage[], indexVectors(q, scales));
}

/** The passage index's int8 codes, one scale per vector, as float vectors: code × its vector's scale. */
export function indexVectors(q: Int8Array, scales: Float32Array): { vectors: Float32Array; dim: number } {
  const dim = q.length / scales.length;
  return { vectors: Float32Array.from(q, (v, i) => v * scales[Math.floor(i / dim)]!), dim };
}
