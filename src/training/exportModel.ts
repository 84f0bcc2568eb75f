/**
 * Export for the browser: uint8-quantised weights in tfjs's weights-manifest format (tf.io decodes the
 * codes through the `quantization` field; each row's min and scale stand beside them: `weightFiles.ts`),
 * the config, tokenizer.json, for the retrieval model the passage index (int8 unit vectors with a
 * per-vector scale, plus the texts), and manifest.json with the model's kind and each file's size and
 * SHA-256.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Passage } from '../corpus/passages.ts';
import { readJsonl } from '../dataset/jsonl.ts';
import { encodeWeightFile } from '../inference/models/weightFiles.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import type { GenerativeModelConfig } from '../inference/generativeSummarizer.ts';
import { loadTokenizer } from '../text/tokenizer.ts';
import { loadCheckpoint } from './checkpoint.ts';
import { embedTexts } from '../inference/models/retriever.ts';

export interface ExportedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/** Unit vectors → int8 (−127…127) with one scale per vector: v ≈ q · scale. */
export function quantizeRows(values: Float32Array, dim: number): { data: Int8Array; scales: Float32Array } {
  const rows = values.length / dim;
  const data = new Int8Array(values.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(values[r * dim + d]!));
    const scale = max / 127 || 1;
    scales[r] = scale;
    for (let d = 0; d < dim; d++) data[r * dim + d] = Math.round(values[r * dim + d]! / scale);
  }
  return { data, scales };
}

export async function exportModel(modelDir: string, out: string): Promise<ExportedFile[]> {
  const config = JSON.parse(await readFile(join(modelDir, 'config.json'), 'utf8')) as ModelConfig | GenerativeModelConfig;
  const checkpoint = await loadCheckpoint(modelDir, 'model');
  if (!checkpoint) throw new Error(`${modelDir}: no model weights`);
  const tokenizerText = await readFile(join(modelDir, 'tokenizer.json'), 'utf8');
  const files: Record<string, Uint8Array | string> = { 'config.json': JSON.stringify(config, null, 1) + '\n', 'tokenizer.json': tokenizerText };
  if (config.kind !== 'generative') {
    const passages = await readJsonl<Passage>(join(modelDir, 'passages.jsonl'));
    const tokenizer = loadTokenizer(JSON.parse(tokenizerText) as object);
    const index = embedTexts(checkpoint.weights, config.text, passages.map((p) => tokenizer.encode(p.text)));
    const vectors = quantizeRows(index.dataSync() as Float32Array, index.shape[1]);
    index.dispose();
    files['passages.json'] = JSON.stringify(passages) + '\n';
    files['index.bin'] = new Uint8Array(vectors.data.buffer);
    files['index-scales.bin'] = new Uint8Array(vectors.scales.buffer);
  }
  const weights = encodeWeightFile(checkpoint.weights, true);
  Object.values(checkpoint.weights).forEach((w) => w.dispose());
  files['weights.bin'] = weights.data;
  files['weights.json'] = JSON.stringify([{ paths: ['weights.bin'], weights: weights.specs }]) + '\n';
  await mkdir(out, { recursive: true });
  const listed: ExportedFile[] = [];
  for (const [path, content] of Object.entries(files)) {
    const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    await writeFile(join(out, path), bytes);
    listed.push({ path, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  await writeFile(join(out, 'manifest.json'), JSON.stringify({ model: config.name, kind: config.kind ?? 'retrieval', files: listed }, null, 1) + '\n');
  return listed;
}
