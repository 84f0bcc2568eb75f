/**
 * Paper B's reward fine-tuning of a trained retrieval model's decoder: the same studies (cached features),
 * the same retrieved contexts, the decoder fine-tuned with r = α·d + (1 − α)·e (e: CIDEr-D or fact F1); everything else
 * (image encoder, retriever, passages) kept. Writes a retrieval model directory.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Passage } from '../corpus/passages.ts';
import { readJsonl } from '../dataset/jsonl.ts';
import { ciderDItem, documentFrequencies } from '../eval/ciderD.ts';
import { charTokens } from '../eval/tokenize.ts';
import { embedTexts } from '../inference/models/retriever.ts';
import { featureWidth } from '../inference/models/imageEncoder.ts';
import type { ModelConfig } from '../inference/summarizer.ts';
import { detokenize, loadTokenizer } from '../text/tokenizer.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { studyContexts } from './decoderContexts.ts';
import { discriminatorFor } from './discriminatorUpdates.ts';
import { loadRetrievalCheckpoint, pickWeights, studySplits, type GenerativeOptions } from './generativePipeline.ts';
import { fineTuneWithReward, type RewardEvaluator } from './rewardFineTune.ts';
import { extractFacts } from '../corpus/factExtractor.ts';
import { atomCounts, factScores } from '../eval/factScores.ts';

export interface RewardPipelineOptions extends Pick<GenerativeOptions, 'from' | 'out' | 'cache' | 'data' | 'steps' | 'batch' | 'learningRate' | 'evalEvery' | 'mleWeight' | 'discriminatorWarmup' | 'progress' | 'log'> {
  alpha: number;
  evaluator: RewardEvaluator;
}

export async function fineTuneRetrievalModel(o: RewardPipelineOptions): Promise<ModelConfig> {
  await mkdir(o.out, { recursive: true });
  const { config, weights, tokenizerJson } = await loadRetrievalCheckpoint(o.from);
  const tokenizer = loadTokenizer(tokenizerJson);
  const { train } = await studySplits(o, config.image, pickWeights(weights, 'img.'));
  const passages = (await readJsonl<Passage>(join(o.from, 'passages.jsonl'))).map((p) => ({ ...p, ids: tokenizer.encode(p.text) }));
  const index = embedTexts(weights, config.text, passages.map((p) => p.ids));
  const studies = train.map((s) => ({ id: s.id, features: s.features, inputIds: tokenizer.encode(`${s.clinical}${s.text}`), summaryIds: tokenizer.encode(s.summary) }));
  const contexts = studyContexts(weights, config.text, index, passages, studies, config.k, config.mmr);
  index.dispose();
  const examples = studies.map((s, i) => ({ features: s.features, ...contexts[i]!, summaryIds: s.summaryIds }));
  const frequencies = documentFrequencies(train.map((s) => [charTokens(s.summary)]));
  const chars = (ids: number[]) => charTokens(detokenize(tokenizer.tokens(ids))); // as the evaluation scores summaries
  const evaluate =
    o.evaluator === 'facts'
      ? (z: number[], i: number) => factScores([atomCounts(extractFacts(tokenizer.decode(z)), train[i]!.facts)]).all.f1
      : (z: number[], i: number) => ciderDItem(chars(z), [chars(examples[i]!.summaryIds)], frequencies);
  const discriminator = discriminatorFor(tokenizer.vocabSize, config.maxSummary, featureWidth(config.image));
  const tick = o.progress(`reward fine-tuning (α = ${o.alpha})`, o.steps);
  const decoder = pickWeights(weights, 'dec.');
  const { discriminator: d, history } = await fineTuneWithReward(decoder, examples, {
    decoder: config.decoder, discriminator, maxSummary: config.maxSummary, alpha: o.alpha, mleWeight: o.mleWeight, discriminatorWarmup: o.discriminatorWarmup,
    evaluate, evaluator: o.evaluator,
    steps: o.steps, batch: o.batch, learningRate: o.learningRate, evalEvery: o.evalEvery, seed: o.data.seed, out: o.out, log: o.log,
    onStep: (s, l) => tick(Math.max(0, s), `D loss ${l.toFixed(4)}`),
  });
  const tuned: ModelConfig = { ...config, name: `${config.name}-reward`, reward: { alpha: o.alpha, evaluator: o.evaluator, steps: o.steps } };
  await saveCheckpoint(o.out, 'model', weights, { config: tuned });
  await saveCheckpoint(o.out, 'discriminator', d, { history });
  await writeFile(join(o.out, 'reward-history.json'), JSON.stringify(history, null, 1) + '\n');
  await writeFile(join(o.out, 'config.json'), JSON.stringify(tuned, null, 1) + '\n');
  await copyFile(join(o.from, 'tokenizer.json'), join(o.out, 'tokenizer.json'));
  await copyFile(join(o.from, 'passages.jsonl'), join(o.out, 'passages.jsonl'));
  return tuned;
}
