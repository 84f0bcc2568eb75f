/** Any model directory as an evaluation model: the baselines, or the retrieval model run through its summarizer. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBaseline, type EvalModel } from '../baselines/baselines.ts';
import type { Passage } from '../corpus/passages.ts';
import { readJsonl } from '../dataset/jsonl.ts';
import { decoderStepFlops } from '../inference/models/fusionDecoder.ts';
import { imageEncoderFlops } from '../inference/models/imageEncoder.ts';
import { loadExportedModel } from '../inference/exportedModel.ts';
import { readModelFiles } from '../inference/modelFiles.ts';
import { createSummarizer, type ModelConfig, type SummarizeInput, type Summarizer } from '../inference/summarizer.ts';
import { installFastMatMulGradient } from '../inference/tf/fastGradients.ts';
import { loadCheckpoint } from '../training/checkpoint.ts';
import { pointingTrials } from './pointingTrials.ts';
import { itemVolume } from './testSet.ts';

/** A training output (float32 checkpoint) or an exported directory (uint8 weights, int8 index). */
export async function loadRetrievalModel(dir: string): Promise<{ summarizer: Summarizer; params: number; quantized: boolean }> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig;
  const checkpoint = await loadCheckpoint(dir, 'model');
  if (!checkpoint) {
    const read = async (f: string) => (existsSync(join(dir, f)) ? new Uint8Array(await readFile(join(dir, f))) : undefined);
    const summarizer = loadExportedModel((await readModelFiles(read)).files);
    return { summarizer, params: summarizer.params, quantized: true };
  }
  const tokenizer = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as object;
  const passages = await readJsonl<Passage>(join(dir, 'passages.jsonl'));
  const summarizer = createSummarizer(config, checkpoint.weights, tokenizer, passages);
  return { summarizer, params: summarizer.params, quantized: false };
}

/** Report names of the model and its ablations (ModelConfig.name is "retrieval" or "retrieval-<ablation>"). */
const VARIANTS: Record<string, string> = {
  retrieval: 'full model',
  'retrieval-no-retrieval': 'without retrieved passages',
  'retrieval-random-image': 'without image pretraining (random frozen encoder)',
  'retrieval-fixed-beta': 'without adaptive fusion (β = 0.5)',
  'retrieval-no-text-feeding': 'without text feeding (paper A as written)',
};

export async function loadEvalModel(dir: string): Promise<EvalModel> {
  const { kind } = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { kind: string };
  if (kind !== 'retrieval') return loadBaseline(dir);
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start');
  installFastMatMulGradient();
  const { summarizer, params, quantized } = await loadRetrievalModel(dir);
  const c = summarizer.config;
  // Models trained before text feeding existed (or with it ablated) say so.
  const base = c.name === 'retrieval' && !c.decoder.textFeeding ? VARIANTS['retrieval-no-text-feeding']! : (VARIANTS[c.name] ?? c.name);
  const noFeeding = !c.decoder.textFeeding && !base.includes('text feeding') ? ', without text feeding' : '';
  const variant = `${base}${noFeeding}, ${quantized ? 'int8' : 'fp32'}`;
  return {
    name: `Retrieval model (${variant})`,
    ablation: variant,
    kind,
    trainedOn: c.trainedOn,
    params,
    // Image encoder once, then ~60 decoding steps over the regions and ~200 context tokens.
    flopsPerSummary: imageEncoderFlops(c.image) + 60 * decoderStepFlops(c.decoder, c.decoder.regions, 200),
    async predict(item) {
      const volume = await itemVolume(item);
      const input: SummarizeInput = { ...volume, text: `${item.clinical}${item.text}` };
      const result = await summarizer.summarize(input, { beamSize: 1, lengthPenalty: 0 });
      return {
        summary: result.summary,
        ranked: result.passages.map((p) => p.passage),
        ...(item.findings ? { pointing: pointingTrials(result.tokens, result.regionShape, volume.grid, item.findings) } : {}),
      };
    },
  };
}
