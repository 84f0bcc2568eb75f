/**
 * LFMGAN, stage 2 (paper A §2, eq. 4–7): adversarial training of the MLE-pretrained generator.
 *
 * Per step, K summaries are sampled for each of B studies. For sample z of study u:
 *   RW1: MaliGAN's normalised importance weight r_D(z) = (D(z)/(1 − D(z))) / Σ_{z' of u} D(z')/(1 − D(z')),
 *        minus its baseline 1/K (the weights of a study's K samples average 1/K);
 *   RW2: the semantic reward. The paper's cost is 1 − COS.SIM(z, reference); as a reward we use
 *        cos(z, reference) minus the mean over the study's K samples (the same baseline idea);
 *   advantage A(z) = s · RW1 + (1 − s) · RW2, and the generator loss −mean_z A(z) · log p(z)
 *   + λ · NLL(references) — the maximum-likelihood term keeps the generator from drifting (a stable schedule).
 * The discriminator takes one step per generator step on the batch's references (real) and samples (fake),
 * after `discriminatorWarmup` steps alone against the MLE generator. Sentence vectors for COS.SIM are the
 * retriever's text encoder, mean-pooled (eq. 6–7), frozen.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import { initDiscriminator, type DiscriminatorConfig } from '../inference/models/discriminator.ts';
import type { GeneratorConfig } from '../inference/models/generator.ts';
import { seededDropout } from '../inference/models/dropout.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { saveCheckpoint } from './checkpoint.ts';
import { discriminatorStep, realProbability } from './discriminatorUpdates.ts';
import type { StageOptions } from './stageOptions.ts';
import { generatorNll, sampleSummaries, studyTensors, summaryTensors, tokenLogProbs, validationNll, type GeneratorExample } from './trainGenerator.ts';
import { pooledImage } from './trainRetriever.ts';

export interface LfmganOptions extends StageOptions {
  generator: GeneratorConfig;
  discriminator: DiscriminatorConfig;
  /** Mix of the two rewards: 1 = MaliGAN only, 0 = semantic only. */
  s: number;
  /** Samples per study (K). */
  samples: number;
  /** Weight λ of the maximum-likelihood term. */
  mleWeight: number;
  /** Weight of the policy-gradient term: 1 normally; 0 is the control run (the same schedule, maximum likelihood alone). */
  policyWeight: number;
  discriminatorWarmup: number;
  /** Unit sentence vectors [N, d] of summaries (token ids). */
  sentences: (summaries: number[][]) => tf.Tensor2D;
}

/** MaliGAN's normalised importance weights per group of K, minus the baseline 1/K (pure; tested by hand). */
export function maliganAdvantages(pReal: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < pReal.length; g += k) {
    const ratios = Array.from({ length: k }, (_, i) => {
      const d = Math.min(Math.max(pReal[g + i]!, 1e-6), 1 - 1e-6);
      return d / (1 - d);
    });
    const total = ratios.reduce((a, b) => a + b, 0);
    out.push(...ratios.map((r) => r / total - 1 / k));
  }
  return out;
}

/** Each value minus the mean of its group of K. */
export function groupBaseline(values: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  for (let g = 0; g < values.length; g += k) {
    const group = Array.from({ length: k }, (_, i) => values[g + i]!);
    const mean = group.reduce((a, b) => a + b, 0) / k;
    out.push(...group.map((v) => v - mean));
  }
  return out;
}

export interface LfmganHistory {
  step: number;
  discriminatorAccuracy: number;
  meanPReal: number;
  meanCos: number;
  val: number;
}

export async function trainLfmgan(g: Weights, train: GeneratorExample[], val: GeneratorExample[], o: LfmganOptions): Promise<{ discriminator: Weights; history: LfmganHistory[] }> {
  const c = o.generator;
  const d = initDiscriminator(o.discriminator, o.seed + 5);
  o.log(`discriminator: ${countParams(d)} parameters; adversarial training with s = ${o.s}, K = ${o.samples}, λ = ${o.mleWeight}`);
  const gOpt = tf.train.adam(o.learningRate);
  const dOpt = tf.train.adam(o.learningRate * 2);
  const rand = Random.derive(o.seed, 21);
  const dropout = seededDropout(c.dropout, o.seed + 3);
  const history: LfmganHistory[] = [];
  let running = { accuracy: 0.5, pReal: 0.5, cos: 0 };
  const k = o.samples;
  for (let step = 1 - o.discriminatorWarmup; step <= o.steps; step++) {
    const part = Array.from({ length: o.batch }, () => train[rand.int(0, train.length - 1)]!);
    const study = studyTensors(c, part, k);
    const samples = await sampleSummaries(g, c, study, rand);
    const pooledAll = pooledImage(part.flatMap((e) => Array<typeof e.features>(k).fill(e.features)));
    const pooledReal = pooledImage(part.map((e) => e.features));
    const pReal = realProbability(d, o.discriminator, pooledAll, samples);
    const sent = tf.tidy(() => {
      const refs = o.sentences(part.map((e) => e.summaryIds));
      const hyps = o.sentences(samples);
      const repeated = tf.reshape(tf.tile(tf.expandDims(refs, 1), [1, k, 1]), [samples.length, -1]);
      return tf.sum(tf.mul(hyps, repeated), 1).dataSync() as Float32Array;
    });
    if (step >= 1) {
      const rw1 = maliganAdvantages(pReal, k);
      const rw2 = groupBaseline(sent, k);
      const advantages = tf.tensor1d(rw1.map((r, i) => o.s * r + (1 - o.s) * rw2[i]!));
      const summary = summaryTensors(c, samples);
      const loss = gOpt.minimize(
        () => {
          const logP = tf.sum(tokenLogProbs(g, c, study, summary, dropout), 1); // [B·K]
          const policy = tf.mul(tf.neg(tf.mean(tf.mul(advantages, logP))), o.policyWeight);
          return tf.add(policy, tf.mul(generatorNll(g, c, part, dropout), o.mleWeight)) as tf.Scalar;
        },
        true,
        Object.values(g),
      )!;
      tf.dispose([loss, advantages, ...Object.values(summary)]);
    }
    // The discriminator sees as many fakes as reals: one sample per study.
    const fakes = part.map((_, i) => samples[i * k]!);
    const dStep = discriminatorStep(dOpt, d, o.discriminator, pooledReal, part.map((e) => e.summaryIds), pooledReal, fakes);
    tf.dispose([...Object.values(study), pooledAll, pooledReal]);
    const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;
    running = { accuracy: 0.9 * running.accuracy + 0.1 * dStep.accuracy, pReal: 0.9 * running.pReal + 0.1 * mean(pReal), cos: step <= 1 - o.discriminatorWarmup + 1 ? mean(sent) : 0.9 * running.cos + 0.1 * mean(sent) };
    o.onStep(step, dStep.loss);
    if (step >= 1 && (step % o.evalEvery === 0 || step === o.steps)) {
      const v = validationNll(g, c, val, 16);
      history.push({ step, discriminatorAccuracy: running.accuracy, meanPReal: running.pReal, meanCos: running.cos, val: v });
      o.log(`adversarial step ${step}: D accuracy ${running.accuracy.toFixed(3)}, P(real | sample) ${running.pReal.toFixed(3)}, cos ${running.cos.toFixed(3)}, validation NLL ${v.toFixed(4)}`);
      await saveCheckpoint(o.out, 'generator.adversarial', g, { step, val: v });
    }
  }
  gOpt.dispose();
  dOpt.dispose();
  const points = (f: (h: LfmganHistory) => number) => history.map((h) => [h.step, f(h)] as [number, number]);
  await writeFile(join(o.out, 'curve-adversarial.svg'), lineChart({ title: `LFMGAN adversarial training (s = ${o.s})`, series: [{ name: 'D accuracy', points: points((h) => h.discriminatorAccuracy) }, { name: 'P(real | sample)', points: points((h) => h.meanPReal) }, { name: 'cos(sample, reference)', points: points((h) => h.meanCos) }], xLabel: 'step', yLabel: 'value' }));
  await writeFile(join(o.out, 'curve-adversarial-nll.svg'), lineChart({ title: 'Generator validation NLL during adversarial training', series: [{ name: 'validation NLL', points: points((h) => h.val) }], xLabel: 'step', yLabel: 'NLL per token' }));
  return { discriminator: d, history };
}
