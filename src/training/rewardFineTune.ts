/**
 * Paper B's GAN captioner reward applied to the retrieval model's fusion decoder: policy-gradient
 * fine-tuning with a self-critical baseline (the greedy summary's reward).
 *
 *   r(z) = α · d(z) + (1 − α) · e(z)
 *   d(z) = D(z): the discriminator's probability that z is a real (radiologist's) summary — higher is
 *          more human, so it is a reward as it stands;
 *   e(z) = the evaluator's score of z against the study's reference: CIDEr-D (character n-grams, document
 *          frequencies from the training references), as in paper B, or the clinical fact F1 of z against
 *          the study's facts (a factual reward, as radiology report generators use: Miura et al. 2021);
 *   loss = −mean_u (r(z_u) − r(ĝ_u)) · log p(z_u)   with z_u sampled and ĝ_u greedy for study u,
 *          + λ · NLL(references) when λ > 0.
 * The discriminator (the RoBERTa-style one LFMGAN uses) learns alongside: references real, samples fake,
 * after a warm-up against the starting decoder.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import { fusionStepper } from '../inference/decode.ts';
import { initDiscriminator, type DiscriminatorConfig } from '../inference/models/discriminator.ts';
import { disposeContext, prepareContext, teacherForcedLoss, tokenLogProbs, type FusionDecoderConfig } from '../inference/models/fusionDecoder.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { discriminatorStep, realProbability } from './discriminatorUpdates.ts';
import { sampleSequences } from './sampling.ts';
import { teacherForcing } from './teacherForcing.ts';
import type { StageOptions } from './stageOptions.ts';
import { decoderBatch, type DecoderExample } from './trainDecoder.ts';
import { pooledImage } from './trainRetriever.ts';

export interface RewardOptions extends StageOptions {
  decoder: FusionDecoderConfig;
  discriminator: DiscriminatorConfig;
  maxSummary: number;
  /** Weight of the discriminator's reward d against the evaluator's e. */
  alpha: number;
  mleWeight: number;
  discriminatorWarmup: number;
  /** e(z): the evaluator's score of summary z (token ids) for training study `study` (an index into the training examples). */
  evaluate: (z: number[], study: number) => number;
  /** The evaluator's name, for the log and the curve. */
  evaluator: RewardEvaluator;
}

export const REWARD_EVALUATORS = ['cider-d', 'facts'] as const;
export type RewardEvaluator = (typeof REWARD_EVALUATORS)[number];

export interface RewardHistory {
  step: number;
  discriminatorAccuracy: number;
  /** Mean over the batch: reward of samples, of greedy summaries, the evaluator's score e of greedy summaries (named for paper B's CIDEr-D). */
  sampleReward: number;
  greedyReward: number;
  greedyCider: number;
}

/** r = α·d + (1 − α)·e per summary (pure; tested by hand). */
export function mixedReward(alpha: number, d: ArrayLike<number>, e: ArrayLike<number>): number[] {
  return Array.from(d, (v, i) => alpha * v + (1 - alpha) * e[i]!);
}

export async function fineTuneWithReward(w: Weights, train: DecoderExample[], o: RewardOptions): Promise<{ discriminator: Weights; history: RewardHistory[] }> {
  const d = initDiscriminator(o.discriminator, o.seed + 7);
  o.log(`reward fine-tuning: α = ${o.alpha}, discriminator ${countParams(d)} parameters, ${train.length} studies`);
  const gOpt = tf.train.adam(o.learningRate);
  const dOpt = tf.train.adam(o.learningRate * 2);
  const rand = Random.derive(o.seed, 31);
  const history: RewardHistory[] = [];
  let running: Omit<RewardHistory, 'step'> | undefined;
  for (let step = 1 - o.discriminatorWarmup; step <= o.steps; step++) {
    const picked = Array.from({ length: o.batch }, () => rand.int(0, train.length - 1));
    const part = picked.map((i) => train[i]!);
    const evaluate = (ids: number[][]) => ids.map((z, i) => o.evaluate(z, picked[i]!));
    const b = decoderBatch(o, part);
    const ctx = prepareContext(w, b.regions, b.tokenIds, b.tokenMask, b.segments, o.decoder, b.members);
    const samples = await sampleSequences(fusionStepper(w, ctx), part.length, rand, o.maxSummary);
    const greedy = await sampleSequences(fusionStepper(w, ctx), part.length, 'greedy', o.maxSummary);
    const pooled = pooledImage(part.map((e) => e.features));
    const sampleReward = mixedReward(o.alpha, realProbability(d, o.discriminator, pooled, samples), evaluate(samples));
    const greedyCider = evaluate(greedy);
    const greedyReward = mixedReward(o.alpha, realProbability(d, o.discriminator, pooled, greedy), greedyCider);
    if (step >= 1) {
      const advantages = tf.tensor1d(sampleReward.map((r, i) => r - greedyReward[i]!));
      const sampled = teacherForcing(samples, o.maxSummary);
      const loss = gOpt.minimize(
        () => {
          const logP = tf.sum(tf.mul(tokenLogProbs(w, ctx, sampled.inputs, sampled.targets, o.decoder.vocab).logProbs, sampled.mask), 1); // [B]
          const policy = tf.neg(tf.mean(tf.mul(advantages, logP)));
          return (o.mleWeight > 0 ? tf.add(policy, tf.mul(teacherForcedLoss(w, ctx, b.inputs, b.targets, b.targetMask, o.decoder.vocab), o.mleWeight)) : policy) as tf.Scalar;
        },
        true,
        Object.values(w),
      )!;
      tf.dispose([loss, advantages, ...Object.values(sampled)]);
    }
    const dStep = discriminatorStep(dOpt, d, o.discriminator, pooled, part.map((e) => e.summaryIds), pooled, samples);
    disposeContext(ctx);
    tf.dispose([...Object.values(b), pooled]);
    const mean = (xs: number[]) => xs.reduce((a, v) => a + v, 0) / xs.length;
    const now = { discriminatorAccuracy: dStep.accuracy, sampleReward: mean(sampleReward), greedyReward: mean(greedyReward), greedyCider: mean(greedyCider) };
    running = running ? (Object.fromEntries(Object.entries(running).map(([k, v]) => [k, 0.9 * v + 0.1 * now[k as keyof typeof now]])) as typeof now) : now;
    o.onStep(step, dStep.loss);
    if (step >= 1 && (step % o.evalEvery === 0 || step === o.steps)) {
      history.push({ step, ...running });
      o.log(`reward step ${step}: D accuracy ${running.discriminatorAccuracy.toFixed(3)}, reward sample ${running.sampleReward.toFixed(3)} / greedy ${running.greedyReward.toFixed(3)}, greedy ${o.evaluator} ${running.greedyCider.toFixed(3)}`);
    }
  }
  gOpt.dispose();
  dOpt.dispose();
  const points = (f: (h: RewardHistory) => number) => history.map((h) => [h.step, f(h)] as [number, number]);
  await writeFile(
    join(o.out, 'curve-reward.svg'),
    lineChart({ title: `Reward fine-tuning (α = ${o.alpha})`, series: [{ name: 'D accuracy', points: points((h) => h.discriminatorAccuracy) }, { name: 'greedy reward', points: points((h) => h.greedyReward) }, { name: `greedy ${o.evaluator}`, points: points((h) => h.greedyCider) }], xLabel: 'step', yLabel: 'value' }),
  );
  return { discriminator: d, history };
}
