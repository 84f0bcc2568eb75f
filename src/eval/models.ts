/** Any model directory as an evaluation model: the baselines, or the retrieval or generative model run through its summarizer. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadBaseline, type EvalModel } from '../baselines/baselines.ts';
import type { Passage } from '../corpus/passages.ts';
import { readJsonl } from '../dataset/jsonl.ts';
import { contextEncoderFlops, decoderStepFlops } from '../inference/models/fusionDecoder.ts';
import { generatorFlops } from '../inference/models/generator.ts';
import { createGenerativeSummarizer, type GenerativeModelConfig } from '../inference/generativeSummarizer.ts';
import { imageEncoderFlops } from '../inference/models/imageEncoder.ts';
import { CANDIDATES_PER_SLICE } from '../inference/lesions/candidates.ts';
import { lesionClassifierFlops } from '../inference/models/lesionClassifier.ts';
import { loadExportedModel } from '../inference/exportedModel.ts';
import { readModelFiles } from '../inference/modelFiles.ts';
import { createSummarizer, type ModelConfig, type SummarizeInput, type SummarizeOptions, type Summarizer } from '../inference/summarizer.ts';
import { installFastMatMulGradient } from '../inference/tf/fastGradients.ts';
import { loadCheckpoint } from '../training/checkpoint.ts';
import { pointingTrials } from './pointingTrials.ts';
import { itemVolume } from './testSet.ts';

/** A training output (float32 checkpoint) or an exported directory (uint8 weights, int8 index) of either model kind. */
export async function loadModelDir(dir: string): Promise<{ summarizer: Summarizer; params: number; quantized: boolean }> {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig | GenerativeModelConfig;
  const checkpoint = await loadCheckpoint(dir, 'model');
  if (!checkpoint) {
    const read = async (f: string) => (existsSync(join(dir, f)) ? new Uint8Array(await readFile(join(dir, f))) : undefined);
    const summarizer = loadExportedModel((await readModelFiles(read)).files);
    return { summarizer, params: summarizer.params, quantized: true };
  }
  const tokenizer = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as object;
  const summarizer =
    config.kind === 'generative'
      ? createGenerativeSummarizer(config, checkpoint.weights, tokenizer)
      : createSummarizer(config, checkpoint.weights, tokenizer, await readJsonl<Passage>(join(dir, 'passages.jsonl')));
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

/** The report's name of a model variant, and its FLOPs per summary. */
function describe(c: ModelConfig | GenerativeModelConfig, quantized: boolean): { name: string; variant: string; flops: number } {
  const precision = quantized ? 'int8' : 'fp32';
  if (c.kind === 'generative') {
    const t = c.training;
    const how = t.adversarialSteps === 0 ? 'maximum likelihood only' : t.policyWeight === 0 ? `control: the adversarial schedule without its reward, ${t.adversarialSteps} steps` : `adversarial, s = ${t.s}`;
    // The memory once (~120 input-text tokens), then ~60 cached decoding steps.
    return { name: `Generative model LFMGAN (${how}, ${precision})`, variant: `LFMGAN, ${how}, ${precision}`, flops: imageEncoderFlops(c.image) + generatorFlops(c.generator, 120, 60) };
  }
  const reward = c.reward ? `, reward fine-tuned (α = ${c.reward.alpha})` : '';
  const base = VARIANTS[c.name.replace(/-reward.*$/, '')] ?? c.name;
  // Models trained before text feeding existed (or with it ablated) say so.
  const noFeeding = !c.decoder.textFeeding && !base.includes('text feeding') ? ', without text feeding' : '';
  const decoders = 1 + (c.ensemble?.length ?? 0);
  const mmr = c.mmr === undefined ? '' : `, trained on passages by MMR (λ = ${c.mmr})`;
  const variant = `${base}${noFeeding}${reward}${mmr}${decoders > 1 ? `, ensemble of ${decoders} decoders` : ''}, ${precision}`;
  // Image encoder once; each decoder's context encoder once, then ~60 decoding steps over the regions and ~200 context tokens;
  // the lesion detector's classifier, where the model has one, once per candidate (at most 40 a slice, 24 slices typical).
  const lesions = c.lesions ? CANDIDATES_PER_SLICE * 24 * lesionClassifierFlops(c.lesions) : 0;
  return { name: `Retrieval model (${variant})`, variant, flops: imageEncoderFlops(c.image) + decoders * (contextEncoderFlops(c.decoder, 200) + 60 * decoderStepFlops(c.decoder, c.decoder.regions, 200)) + lesions };
}

/** How the evaluation decodes (the summarizer's own decoding options): greedy (beam 1) unless asked. */
export type EvalDecoding = Pick<SummarizeOptions, 'beamSize' | 'lengthPenalty' | 'balancedBrackets' | 'sequentialItems' | 'salientItems' | 'textPlaces' | 'namedPlaces' | 'pointedLobes' | 'lesionLobes' | 'statedCounts' | 'mmr' | 'textMatch'>;

export const GREEDY: EvalDecoding = { beamSize: 1, lengthPenalty: 0 };

/** The decoding constraints an evaluation can ask for, and how each names a stored result and its model. */
const CONSTRAINTS = [
  { flag: 'balancedBrackets', suffix: '-brackets', words: ', balanced brackets' },
  { flag: 'sequentialItems', suffix: '-items', words: ', items in sequence' },
  { flag: 'salientItems', suffix: '-salient', words: ', an item per salient sentence' },
  { flag: 'textPlaces', suffix: '-places', words: ', places as the text gives them' },
  { flag: 'namedPlaces', suffix: '-named', words: ', places among those the text names' },
  { flag: 'pointedLobes', suffix: '-pointed', words: ', lobes the text omits weighed by the pointing attention' },
  { flag: 'lesionLobes', suffix: '-lesions', words: ', lobes the text omits weighed by the lesion detector' },
  { flag: 'statedCounts', suffix: '-counts', words: ', counts as the text states them' },
] as const;

/** What a stored result's name adds for the decoding ("-beam3-lp0.7-brackets-items"; nothing for greedy). */
export function decodingSuffix(d: EvalDecoding): string {
  return `${d.beamSize > 1 ? `-beam${d.beamSize}-lp${d.lengthPenalty}` : ''}${CONSTRAINTS.map((c) => (d[c.flag] ? c.suffix : '')).join('')}${d.mmr === undefined ? '' : `-mmr${d.mmr}`}${d.textMatch === undefined ? '' : `-tm${d.textMatch}`}`;
}

/** What the model's name adds for the decoding (", beam 3 (length penalty 0.7), balanced brackets"; nothing for greedy). */
function decodingWords(d: EvalDecoding): string {
  return `${d.beamSize > 1 ? `, beam ${d.beamSize} (length penalty ${d.lengthPenalty})` : ''}${CONSTRAINTS.map((c) => (d[c.flag] ? c.words : '')).join('')}${d.mmr === undefined ? '' : `, passages by MMR (λ = ${d.mmr})`}${d.textMatch === undefined ? '' : `, passages matched to the text's findings (λ = ${d.textMatch})`}`;
}

export async function loadEvalModel(dir: string, decoding: EvalDecoding = GREEDY): Promise<EvalModel> {
  const { kind } = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { kind: string };
  if (kind !== 'retrieval' && kind !== 'generative') return loadBaseline(dir);
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start');
  installFastMatMulGradient();
  const { summarizer, params, quantized } = await loadModelDir(dir);
  const c = summarizer.config;
  const { name, variant, flops } = describe(c, quantized);
  const beam = decodingWords(decoding);
  return {
    name: `${name}${beam}`,
    // The ablation table holds the retrieval model's variants, all decoded greedily; the adversarial runs have their own report.
    ...(c.kind === 'retrieval' && !c.reward && !beam ? { ablation: variant } : {}),
    kind,
    trainedOn: c.trainedOn,
    params,
    flopsPerSummary: flops,
    async predict(item) {
      const volume = await itemVolume(item);
      const input: SummarizeInput = { ...volume, text: `${item.clinical}${item.text}` };
      const result = await summarizer.summarize(input, decoding);
      return {
        summary: result.summary,
        ...(result.passages.length > 0 ? { ranked: result.passages.map((p) => p.passage) } : {}),
        ...(item.findings ? { pointing: pointingTrials(result.tokens, result.regionShape, volume.grid, item.findings) } : {}),
      };
    },
  };
}
