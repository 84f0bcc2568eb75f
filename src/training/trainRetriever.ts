/**
 * Stage 2: the text encoder and the retriever's projections, on frozen image features. A study's image
 * vector c and its input text's vector should find the study's summary among the batch's (InfoNCE),
 * classes are pulled to their centres (center loss). Validation: recall@5 of relevant passages (same
 * finding type and lobe) for validation studies against the training passages.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Passage } from '../corpus/passages.ts';
import { Random } from '../corpus/random.ts';
import { concatTyped } from '../inference/arrays.ts';
import type { Fact } from '../corpus/schema.ts';
import { firstRelevantRank, recallAt } from '../eval/retrievalScores.ts';
import { centerLoss, embedTexts, infoNce, initRetriever, projectImage, projectText, queryVector, type RetrieverConfig } from '../inference/models/retriever.ts';
import { encodeText, initTextEncoder, type TextEncoderConfig } from '../inference/models/textEncoder.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { stageOptimizer } from './learningRate.ts';
import type { ImageFeatures } from './features.ts';
import type { StageOptions } from './stageOptions.ts';
import { padBatch } from '../inference/textBatch.ts';

export interface RetrievalExample {
  features: ImageFeatures;
  inputIds: number[];
  summaryIds: number[];
  category: number;
  facts: Fact[];
}

export interface RetrieverTrainingOptions extends StageOptions {
  text: TextEncoderConfig;
  retriever: RetrieverConfig;
}

export function pooledImage(features: ImageFeatures[]): tf.Tensor2D {
  return tf.tidy(() => {
    const width = features[0]!.width;
    const regions = tf.tensor3d(regionValues(features), [features.length, features[0]!.regionCount, width]);
    return tf.mean(regions, 1) as tf.Tensor2D;
  });
}

/** Several studies' region features, one after the other. */
export function regionValues(features: ImageFeatures[]): Float32Array {
  return concatTyped(features.map((f) => f.regions), (n) => new Float32Array(n));
}

/** The studies' queries (image features and input text through the retriever). */
export function queryVectors(w: Weights, c: TextEncoderConfig, features: ImageFeatures[], inputIds: number[][]): tf.Tensor2D {
  return tf.tidy(() => {
    const { ids, mask } = padBatch(inputIds, c.maxLength);
    return queryVector(w, pooledImage(features), encodeText(w, c, ids, mask).pooled);
  });
}

export async function trainRetriever(train: RetrievalExample[], val: RetrievalExample[], passages: (Passage & { ids: number[] })[], o: RetrieverTrainingOptions): Promise<Weights> {
  const w: Weights = { ...initTextEncoder(o.text, o.seed), ...initRetriever(o.retriever, o.seed + 1) };
  o.log(`text encoder + retriever: ${countParams(w)} parameters; ${train.length} pairs, ${passages.length} passages`);
  const optimizer = stageOptimizer(o);
  const rand = Random.derive(o.seed, 2);
  const history: { step: number; loss: number; recall5: number }[] = [];
  let order: number[] = [];
  let running = 0;
  let best = -1;
  for (let step = 1; step <= o.steps; step++) {
    if (order.length < o.batch) order = rand.shuffle(train.map((_, i) => i));
    const part = order.splice(0, o.batch).map((i) => train[i]!);
    const summary = padBatch(part.map((e) => e.summaryIds), o.text.maxLength);
    const input = padBatch(part.map((e) => e.inputIds), o.text.maxLength);
    const classes = tf.tensor1d(part.map((e) => e.category));
    optimizer.at(step);
    const loss = optimizer.minimize(() => {
      const pooled = pooledImage(part.map((e) => e.features));
      const image = projectImage(w, pooled);
      const text = projectText(w, encodeText(w, o.text, summary.ids, summary.mask).pooled);
      const query = queryVector(w, pooled, encodeText(w, o.text, input.ids, input.mask).pooled);
      const contrastive = tf.add(infoNce(image, text, o.retriever.temperature), infoNce(query, text, o.retriever.temperature));
      return tf.add(contrastive, tf.mul(o.retriever.centerWeight, centerLoss(image, text, w['ret.centers'] as tf.Tensor2D, classes))) as tf.Scalar;
    }, true)!;
    const value = loss.dataSync()[0]!;
    tf.dispose([loss, summary.ids, summary.mask, input.ids, input.mask, classes]);
    running = step === 1 ? value : 0.9 * running + 0.1 * value;
    o.onStep(step, running);
    if (step % o.evalEvery === 0 || step === o.steps) {
      const recall5 = validationRecall(w, o.text, val, passages);
      history.push({ step, loss: running, recall5 });
      o.log(`retriever step ${step}: loss ${running.toFixed(4)}, validation R@5 ${recall5.toFixed(3)}`);
      if (recall5 > best) {
        best = recall5;
        await saveCheckpoint(o.out, 'retriever.best', w, { step, recall5 });
      }
    }
  }
  optimizer.dispose();
  await saveCheckpoint(o.out, 'retriever.last', w, { step: o.steps }); // marks the stage finished, for resuming
  await writeFile(
    join(o.out, 'curve-retriever.svg'),
    lineChart({ title: 'Retriever training', series: [{ name: 'loss', points: history.map((h) => [h.step, h.loss]) }, { name: 'validation R@5', points: history.map((h) => [h.step, h.recall5]) }], xLabel: 'step', yLabel: 'loss / recall' }),
  );
  return w;
}

/** R@5 of validation studies' queries against the passage index. */
export function validationRecall(w: Weights, c: TextEncoderConfig, val: RetrievalExample[], passages: (Passage & { ids: number[] })[]): number {
  const index = embedTexts(w, c, passages.map((p) => p.ids));
  const top = rankPassages(w, c, index, val, 10);
  index.dispose();
  return recallAt(top.map((row, k) => firstRelevantRank(row.map((j) => passages[j]!), val[k]!.facts)), 5);
}

/** For each study, the indices of the k passages of the index its query scores highest, best first. */
export function rankPassages(w: Weights, c: TextEncoderConfig, index: tf.Tensor2D, studies: Pick<RetrievalExample, 'features' | 'inputIds'>[], k: number): number[][] {
  return scorePassages(w, c, index, studies, k).map((row) => row.ids);
}

/** For each study, the k best-scoring passages' indices and scores, best first. */
export function scorePassages(w: Weights, c: TextEncoderConfig, index: tf.Tensor2D, studies: Pick<RetrievalExample, 'features' | 'inputIds'>[], k: number): { ids: number[]; scores: number[] }[] {
  const ranked: { ids: number[]; scores: number[] }[] = [];
  for (let i = 0; i < studies.length; i += 32) {
    const part = studies.slice(i, i + 32);
    const q = queryVectors(w, c, part.map((e) => e.features), part.map((e) => e.inputIds));
    const { values, indices } = tf.tidy(() => tf.topk(tf.matMul(q, tf.transpose(index)), Math.min(k, index.shape[0])));
    const scores = values.arraySync() as number[][];
    (indices.arraySync() as number[][]).forEach((ids, j) => ranked.push({ ids, scores: scores[j]! }));
    tf.dispose([q, values, indices]);
  }
  return ranked;
}
