/**
 * LFMGAN's generator, stage 1: maximum likelihood (teacher forcing, dropout) on frozen image features and
 * the input texts; plus the pieces the adversarial stage shares — batches, per-token log-probabilities of
 * given summaries, and sampling.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../corpus/random.ts';
import { disposeMemory, generatorLogits, generatorMemory, generatorStepper, initGenerator, type GeneratorConfig } from '../inference/models/generator.ts';
import { noDropout, seededDropout, type Dropout } from '../inference/models/dropout.ts';
import { padBatch } from '../inference/textBatch.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import { sampleSequences } from './sampling.ts';
import { teacherForcing } from './teacherForcing.ts';
import type { ImageFeatures } from './features.ts';
import type { StageOptions } from './stageOptions.ts';
import { fitSequenceModel, meanOverBatches } from './fitSequenceModel.ts';
import { regionValues } from './trainRetriever.ts';

export interface GeneratorExample {
  features: ImageFeatures;
  /** The clinical notes and findings, as the model reads them. */
  textIds: number[];
  /** The reference summary's tokens (no BOS, no EOS). */
  summaryIds: number[];
}

/** Regions and input text of some studies, each repeated `times` (for several samples per study). */
export function studyTensors(c: GeneratorConfig, part: GeneratorExample[], times = 1) {
  return tf.tidy(() => {
    const rows = part.flatMap((e) => Array<GeneratorExample>(times).fill(e));
    const f = rows[0]!.features;
    const regions = tf.tensor3d(regionValues(rows.map((e) => e.features)), [rows.length, f.regionCount, f.width]);
    const text = padBatch(rows.map((e) => e.textIds), c.maxText);
    return { regions, textIds: text.ids, textMask: text.mask };
  });
}

/** Teacher-forcing tensors of summaries (token ids without BOS/EOS) for the generator's position table. */
export function summaryTensors(c: GeneratorConfig, summaries: number[][]) {
  return teacherForcing(summaries, c.maxSummary);
}

/** log p(target) per position [B, L] (0 at padding): the generator's teacher-forced log-likelihood of given summaries. */
export function tokenLogProbs(w: Weights, c: GeneratorConfig, study: ReturnType<typeof studyTensors>, summary: ReturnType<typeof summaryTensors>, dropout: Dropout): tf.Tensor2D {
  return tf.tidy(() => {
    const memory = generatorMemory(w, c, study.regions, study.textIds, study.textMask, dropout);
    const { logits } = generatorLogits(w, c, memory, summary.inputs, dropout);
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.cast(summary.targets, 'int32'), c.vocab)), 2); // [B, L]
    return tf.mul(picked, summary.mask) as tf.Tensor2D;
  });
}

/** Mean negative log-likelihood per token of the references. */
export function generatorNll(w: Weights, c: GeneratorConfig, part: GeneratorExample[], dropout: Dropout): tf.Scalar {
  return tf.tidy(() => {
    const summary = summaryTensors(c, part.map((e) => e.summaryIds));
    const logProbs = tokenLogProbs(w, c, studyTensors(c, part), summary, dropout);
    return tf.div(tf.neg(tf.sum(logProbs)), tf.maximum(tf.sum(summary.mask), 1)) as tf.Scalar;
  });
}

/** Samples one summary per row of `study` (seeded); ids without BOS, EOS dropped. */
export async function sampleSummaries(w: Weights, c: GeneratorConfig, study: ReturnType<typeof studyTensors>, rand: Random): Promise<number[][]> {
  const memory = generatorMemory(w, c, study.regions, study.textIds, study.textMask);
  try {
    return await sampleSequences(generatorStepper(w, c, memory), study.regions.shape[0], rand, c.maxSummary - 1);
  } finally {
    disposeMemory(memory);
  }
}

export interface GeneratorTrainingOptions extends StageOptions {
  generator: GeneratorConfig;
}

export async function trainGeneratorMle(train: GeneratorExample[], val: GeneratorExample[], o: GeneratorTrainingOptions): Promise<Weights> {
  const c = o.generator;
  const w = initGenerator(c, o.seed);
  o.log(`generator: ${countParams(w)} parameters, ${train.length} summaries`);
  const dropout = seededDropout(c.dropout, o.seed);
  await fitSequenceModel(w, o, {
    label: 'generator',
    checkpoint: 'generator.mle',
    last: 'generator.mle.last',
    curve: { file: 'curve-generator-mle.svg', title: 'Generator, maximum likelihood' },
    streamKey: 11,
    lengths: train.map((e) => e.summaryIds.length),
    loss: (indices) => generatorNll(w, c, indices.map((i) => train[i]!), dropout),
    validate: () => validationNll(w, c, val, o.batch),
  });
  return w;
}

/** Mean NLL per token over the validation studies (no dropout). */
export function validationNll(w: Weights, c: GeneratorConfig, val: GeneratorExample[], batch: number): number {
  return meanOverBatches(val, batch, (part) => {
    const loss = generatorNll(w, c, part, noDropout);
    const value = loss.dataSync()[0]!;
    loss.dispose();
    return value;
  });
}
