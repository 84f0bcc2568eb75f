/**
 * The generative model's training (LFMGAN, paper A §2), on top of a trained retrieval model: its frozen
 * image encoder gives the regions, its tokenizer the ids, its frozen text encoder the sentence vectors of
 * the semantic reward. Stage "mle" trains the generator by maximum likelihood; stage "adversarial"
 * continues an MLE model with the discriminator and the reward mix s. Each writes a model directory
 * (config, weights, tokenizer) that the CLI, the evaluation and the export read.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { featureWidth } from '../inference/models/imageEncoder.ts';
import type { GeneratorConfig } from '../inference/models/generator.ts';
import type { GenerativeModelConfig } from '../inference/generativeSummarizer.ts';
import { l2Normalize } from '../inference/models/ops.ts';
import { encodeText } from '../inference/models/textEncoder.ts';
import { padBatch } from '../inference/textBatch.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { disposeWeights, type Weights } from '../inference/models/weights.ts';
import { loadTokenizer } from '../text/tokenizer.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { discriminatorFor } from './discriminatorUpdates.ts';
import { cachedStudies, type CachedStudy } from './studyCache.ts';
import { trainGeneratorMle, type GeneratorExample } from './trainGenerator.ts';
import { trainLfmgan } from './trainLfmgan.ts';

export interface GenerativeOptions {
  /** A trained retrieval model directory (float32 checkpoint). */
  from: string;
  out: string;
  /** Where rendered studies' features are cached (shared between runs). */
  cache: string;
  data: { seed: number; n: number; size: number };
  stage: 'mle' | 'adversarial';
  /** For the adversarial stage: the MLE model directory to start from. */
  init?: string;
  steps: number;
  batch: number;
  learningRate: number;
  evalEvery: number;
  s: number;
  samples: number;
  mleWeight: number;
  /** 0: the control run — the adversarial schedule without its policy-gradient term. */
  policyWeight: number;
  discriminatorWarmup: number;
  progress: (label: string, total: number) => (done: number, extra?: string) => void;
  log: (line: string) => void;
  onLoss?: (step: number, loss: number) => void;
}

/** Weights whose names start with one of the prefixes. */
export function pickWeights(w: Weights, ...prefixes: string[]): Weights {
  return Object.fromEntries(Object.entries(w).filter(([name]) => prefixes.some((p) => name.startsWith(p))));
}

/** A retrieval model directory: its config, weights and tokenizer. */
export async function loadRetrievalCheckpoint(dir: string) {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfig;
  if (config.kind !== 'retrieval') throw new Error(`${dir} is not a retrieval model`);
  const checkpoint = await loadCheckpoint(dir, 'model');
  if (!checkpoint) throw new Error(`${dir}: no float32 model checkpoint (an exported model cannot be trained further)`);
  const tokenizerJson = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as object;
  return { config, weights: checkpoint.weights, tokenizerJson };
}

/** An MLE generative model directory to continue from: its config and weights. */
async function loadGenerativeModel(dir: string | undefined) {
  if (!dir) throw new Error('the adversarial stage starts from an MLE model: give --init DIR');
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as GenerativeModelConfig;
  const checkpoint = await loadCheckpoint(dir, 'model');
  if (!checkpoint || config.kind !== 'generative') throw new Error(`${dir} is not a generative model directory`);
  return { config, weights: checkpoint.weights };
}

/** Train and validation studies with frozen features, from the cache or rendered once into it. */
export async function studySplits(o: Pick<GenerativeOptions, 'cache' | 'data' | 'progress'>, image: ModelConfig['image'], imageWeights: Weights): Promise<{ train: CachedStudy[]; val: CachedStudy[] }> {
  const source = { ...o.data, image, imageWeights };
  const read = async (split: 'train' | 'val') => {
    const tick = o.progress(`studies (${split})`, o.data.n);
    return cachedStudies(o.cache, split, source, (done) => tick(done));
  };
  return { train: await read('train'), val: await read('val') };
}

export async function trainGenerative(o: GenerativeOptions): Promise<GenerativeModelConfig> {
  await mkdir(o.out, { recursive: true });
  const retrieval = await loadRetrievalCheckpoint(o.from);
  const tokenizer = loadTokenizer(retrieval.tokenizerJson);
  const image = pickWeights(retrieval.weights, 'img.');
  const { train, val } = await studySplits(o, retrieval.config.image, image);
  const init = o.stage === 'adversarial' ? await loadGenerativeModel(o.init) : undefined;
  // The adversarial stage continues the MLE model, so it keeps that model's configuration.
  const generator: GeneratorConfig = init?.config.generator ?? {
    vocab: tokenizer.vocabSize, width: 128, layers: 2, heads: 4, mlp: 256, textLayers: 1,
    maxSummary: retrieval.config.maxSummary + 1, maxText: retrieval.config.text.maxLength,
    regionDim: featureWidth(retrieval.config.image), regions: retrieval.config.decoder.regions, dropout: 0.1,
  };
  const examples = (studies: CachedStudy[]): GeneratorExample[] => studies.map((s) => ({ features: s.features, textIds: tokenizer.encode(`${s.clinical}${s.text}`).slice(0, generator.maxText), summaryIds: tokenizer.encode(s.summary) }));
  const trainEx = examples(train);
  const valEx = examples(val);
  const tick = o.progress(o.stage === 'mle' ? 'generator (MLE)' : `adversarial (s = ${o.s})`, o.steps);
  const onStep = (s: number, l: number) => {
    tick(Math.max(0, s), `loss ${l.toFixed(4)}`); // steps ≤ 0 are the discriminator's warm-up
    o.onLoss?.(s, l);
  };
  const stage = { steps: o.steps, batch: o.batch, learningRate: o.learningRate, evalEvery: o.evalEvery, seed: o.data.seed, out: o.out, log: o.log, onStep };

  let weights: Weights;
  let training: GenerativeModelConfig['training'];
  if (!init) {
    const w = await trainGeneratorMle(trainEx, valEx, { ...stage, generator });
    weights = (await loadCheckpoint(o.out, 'generator.mle'))?.weights ?? w;
    training = { mleSteps: o.steps, adversarialSteps: 0 };
  } else {
    weights = pickWeights(init.weights, 'gen.'); // trainable variables, as checkpoints load
    disposeWeights(pickWeights(init.weights, 'img.'));
    const text = pickWeights(retrieval.weights, 'txt.');
    const sentences = (summaries: number[][]) =>
      tf.tidy(() => {
        const { ids, mask } = padBatch(summaries.map((s) => (s.length ? s : [0])), retrieval.config.text.maxLength);
        return l2Normalize(encodeText(text, retrieval.config.text, ids, mask).pooled);
      });
    const discriminator = discriminatorFor(generator.vocab, retrieval.config.maxSummary, generator.regionDim);
    const { discriminator: d, history } = await trainLfmgan(weights, trainEx, valEx, { ...stage, generator, discriminator, s: o.s, samples: o.samples, mleWeight: o.mleWeight, policyWeight: o.policyWeight, discriminatorWarmup: o.discriminatorWarmup, sentences });
    await saveCheckpoint(o.out, 'discriminator', d, { history });
    await writeFile(join(o.out, 'adversarial-history.json'), JSON.stringify(history, null, 1) + '\n');
    training = { mleSteps: init.config.training.mleSteps, adversarialSteps: o.steps, s: o.s, samples: o.samples, mleWeight: o.mleWeight, policyWeight: o.policyWeight };
  }
  const config: GenerativeModelConfig = {
    kind: 'generative', name: o.stage === 'mle' ? 'lfmgan-mle' : 'lfmgan', image: retrieval.config.image, generator, maxSummary: retrieval.config.maxSummary,
    trainedOn: `corpus seed ${o.data.seed}, n ${o.data.n} (train split: ${train.length}), on the image encoder and tokenizer of ${o.from}`, training,
  };
  await saveCheckpoint(o.out, 'model', { ...image, ...pickWeights(weights, 'gen.') }, { config });
  await writeFile(join(o.out, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  await writeFile(join(o.out, 'tokenizer.json'), JSON.stringify(retrieval.tokenizerJson) + '\n');
  return config;
}
