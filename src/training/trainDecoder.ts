/**
 * Stage 3: the fusion decoder, teacher-forced on the summaries, with frozen image features; its context
 * tokens — the top-k retrieved passages (never the study's own) followed by the study's input text — are
 * encoded by the decoder's own context encoder, trained here with the rest of it.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../corpus/random.ts';
import { contextSegments, disposeContext, initFusionDecoder, prepareContext, teacherForcedLoss, type FusionDecoderConfig } from '../inference/models/fusionDecoder.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import { lineChart } from '../report/svgChart.ts';
import { saveCheckpoint } from './checkpoint.ts';
import type { ImageFeatures } from './features.ts';
import { padBatch } from '../inference/textBatch.ts';
import type { StageOptions } from './stageOptions.ts';
import { regionValues } from './trainRetriever.ts';

export interface DecoderExample {
  features: ImageFeatures;
  /** Retrieved passages' tokens, then the input text's. */
  contextIds: number[];
  /** Where the input text starts in contextIds. */
  inputStart: number;
  /** [BOS] summary [EOS]. */
  summaryIds: number[];
  /** Where the attention belongs while each target token (summary tokens, then EOS) is produced: targets × regions, 1 on the regions of the finding the token names; absent where the data has no boxes. */
  attentionTargets?: Uint8Array;
}

export interface DecoderTrainingOptions extends StageOptions {
  decoder: FusionDecoderConfig;
  maxSummary: number;
  /** λ of the attention supervision (0: none). */
  attentionWeight: number;
}

/** The tensors one batch needs. */
export function decoderBatch(o: Pick<DecoderTrainingOptions, 'decoder' | 'maxSummary'>, part: DecoderExample[]) {
  return tf.tidy(() => {
    const f = part[0]!.features;
    const regions = tf.tensor3d(regionValues(part.map((e) => e.features)), [part.length, f.regionCount, f.width]);
    const context = padBatch(part.map((e) => e.contextIds), o.decoder.contextEncoder.maxLength);
    const segments = contextSegments(part.map((e) => e.inputStart), context.ids.shape[1]);
    const summary = padBatch(part.map((e) => e.summaryIds), o.maxSummary + 1);
    const length = summary.ids.shape[1] - 1;
    const inputs = tf.slice(summary.ids, [0, 0], [-1, length]) as tf.Tensor2D;
    const targets = tf.slice(summary.ids, [0, 1], [-1, length]) as tf.Tensor2D;
    const targetMask = tf.slice(summary.mask, [0, 1], [-1, length]) as tf.Tensor2D;
    // Attention targets, zero rows where a token names no finding or the study has no boxes.
    const looks = new Float32Array(part.length * length * f.regionCount);
    part.forEach((e, b) => {
      const t = e.attentionTargets?.subarray(0, length * f.regionCount);
      if (t) looks.set(t, b * length * f.regionCount);
    });
    const attention = tf.tensor3d(looks, [part.length, length, f.regionCount]);
    return { regions, segments, tokenIds: context.ids, tokenMask: context.mask, inputs, targets, targetMask, attention };
  });
}

/**
 * Batches of similar summary length (the time loop runs to the longest in a batch): shuffled, sorted by
 * length within windows of 16 batches, cut, and the batches shuffled again.
 */
export function lengthBatches(rand: Random, lengths: number[], batch: number): number[][] {
  const order = rand.shuffle(lengths.map((_, i) => i));
  const out: number[][] = [];
  const window = batch * 16;
  for (let i = 0; i < order.length; i += window) {
    const part = order.slice(i, i + window).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let j = 0; j + batch <= part.length; j += batch) out.push(part.slice(j, j + batch));
  }
  return rand.shuffle(out);
}

function batchLoss(w: Weights, o: DecoderTrainingOptions, part: DecoderExample[]): number {
  const b = decoderBatch(o, part);
  const ctx = prepareContext(w, b.regions, b.tokenIds, b.tokenMask, b.segments, o.decoder);
  const loss = teacherForcedLoss(w, ctx, b.inputs, b.targets, b.targetMask, o.decoder.vocab);
  const value = loss.dataSync()[0]!;
  disposeContext(ctx);
  tf.dispose([loss, ...Object.values(b)]);
  return value;
}

export async function trainDecoder(train: DecoderExample[], val: DecoderExample[], o: DecoderTrainingOptions): Promise<Weights> {
  const w = initFusionDecoder(o.decoder, o.seed);
  o.log(`fusion decoder: ${countParams(w)} parameters, ${train.length} summaries`);
  const optimizer = tf.train.adam(o.learningRate);
  const rand = Random.derive(o.seed, 3);
  const history: { step: number; train: number; val: number }[] = [];
  let batches: number[][] = [];
  let running = 0;
  let best = Infinity;
  const vars = Object.values(w);
  const lengths = train.map((e) => e.summaryIds.length);
  const supervise = o.attentionWeight > 0 && train.some((e) => e.attentionTargets);
  for (let step = 1; step <= o.steps; step++) {
    if (batches.length === 0) batches = lengthBatches(rand, lengths, Math.min(o.batch, train.length));
    const b = decoderBatch(o, batches.pop()!.map((i) => train[i]!));
    const loss = optimizer.minimize(
      () => {
        const ctx = prepareContext(w, b.regions, b.tokenIds, b.tokenMask, b.segments, o.decoder);
        const attention = supervise ? { targets: b.attention, weight: o.attentionWeight } : undefined;
        return teacherForcedLoss(w, ctx, b.inputs, b.targets, b.targetMask, o.decoder.vocab, attention);
      },
      true,
      vars,
    )!;
    const value = loss.dataSync()[0]!;
    tf.dispose([loss, ...Object.values(b)]);
    running = step === 1 ? value : 0.9 * running + 0.1 * value;
    o.onStep(step, running);
    if (step % o.evalEvery === 0 || step === o.steps) {
      let total = 0;
      for (let i = 0; i < val.length; i += o.batch) total += batchLoss(w, o, val.slice(i, i + o.batch)) * Math.min(o.batch, val.length - i);
      const v = total / val.length;
      history.push({ step, train: running, val: v });
      o.log(`decoder step ${step}: train ${running.toFixed(4)}, validation ${v.toFixed(4)}`);
      if (v < best) {
        best = v;
        await saveCheckpoint(o.out, 'decoder.best', w, { step, val: v });
      }
    }
  }
  optimizer.dispose();
  await writeFile(
    join(o.out, 'curve-decoder.svg'),
    lineChart({ title: 'Fusion decoder training', series: [{ name: 'train NLL', points: history.map((h) => [h.step, h.train]) }, { name: 'validation NLL', points: history.map((h) => [h.step, h.val]) }], xLabel: 'step', yLabel: 'NLL per token' }),
  );
  return w;
}
