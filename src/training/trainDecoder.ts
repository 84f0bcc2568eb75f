/**
 * Stage 3: the fusion decoder, teacher-forced on the summaries, with frozen image features; its context
 * tokens — the top-k retrieved passages (never the study's own) followed by the study's input text — are
 * encoded by the decoder's own context encoder, trained here with the rest of it.
 */
import * as tf from '@tensorflow/tfjs';
import { contextSegments, disposeContext, initFusionDecoder, prepareContext, sentenceMembership, teacherForcedLoss, type FusionDecoderConfig, type SentenceAttentionConfig } from '../inference/models/fusionDecoder.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import type { ImageFeatures } from './features.ts';
import { fitSequenceModel, meanOverBatches } from './fitSequenceModel.ts';
import { padBatch } from '../inference/textBatch.ts';
import type { StageOptions } from './stageOptions.ts';
import { regionValues } from './trainRetriever.ts';
import { teacherForcing } from './teacherForcing.ts';
import { straightThroughInt8, withInt8 } from './int8Aware.ts';
import { readCheckpointState } from './checkpoint.ts';
import { dropoutAt } from '../inference/models/dropout.ts';

export interface DecoderExample {
  features: ImageFeatures;
  /** Retrieved passages' tokens, then the input text's. */
  contextIds: number[];
  /** Where the input text starts in contextIds. */
  inputStart: number;
  /** The summary's tokens, without BOS and EOS (`teacherForcing` adds them). */
  summaryIds: number[];
  /** Where the attention belongs while each target token (summary tokens, then EOS) is produced: targets × regions, 1 on the regions of the finding the token names; absent where the data has no boxes. */
  attentionTargets?: Uint8Array;
  /** Per target token, the context positions it was copied from (`copySources`); absent where no loss reads them. */
  copySources?: number[][];
  /** Per target token, the input sentence its summary item restates (`itemAlignment.ts`), or −1; absent where no loss reads them. */
  sentenceTargets?: number[];
}

export interface DecoderTrainingOptions extends StageOptions {
  decoder: FusionDecoderConfig;
  maxSummary: number;
  /** λ of the visual attention supervision (0: none); with the decoder's `pointingAttention`, of the pointing one. */
  attentionWeight: number;
  /** With the decoder's `pointingAttention`: λ of the reading attention's supervision (0 or absent: none). */
  readingAttentionWeight?: number;
  /** λ of the copy (text attention) supervision (0: none). */
  copyWeight: number;
  /** λ of the coverage loss (0: none). */
  coverageWeight: number;
  /** λ of the sentence attention supervision (0: none; only with the decoder's sentence attention). */
  sentenceWeight?: number;
  /** Dropout rate on the frozen region features while training (0 or absent: none), against a visual attention that learns its training studies by heart. */
  regionDropout?: number;
  /** With it, a batch holds at most this many summary positions (rows × longest row): batches of long summaries are smaller. */
  maxTokens?: number;
  /**
   * Int8-aware fine-tuning (`int8Aware.ts`): start from these trained weights, and train and validate
   * through their export's uint8 rounding. Its checkpoints are `decoder-int8.*`, beside the decoder's own.
   */
  int8Aware?: { from: Weights };
}

/**
 * The tensors one batch needs. The decoder reads the first `regionDim` features of each region: the core
 * decoder under a pointing head (`coreDecoderConfig`) does not read the filters' maxima after them.
 */
export function decoderBatch(o: Pick<DecoderTrainingOptions, 'decoder' | 'maxSummary'>, part: DecoderExample[]) {
  return tf.tidy(() => {
    const f = part[0]!.features;
    const all = tf.tensor3d(regionValues(part.map((e) => e.features)), [part.length, f.regionCount, f.width]);
    const regions = f.width > o.decoder.regionDim ? tf.slice(all, [0, 0, 0], [-1, -1, o.decoder.regionDim]) : all;
    const context = padBatch(part.map((e) => e.contextIds), o.decoder.contextEncoder.maxLength);
    const segments = contextSegments(part.map((e) => e.inputStart), context.ids.shape[1]);
    const { inputs, targets, mask: targetMask } = teacherForcing(part.map((e) => e.summaryIds), o.maxSummary);
    const length = inputs.shape[1];
    // Attention targets, zero rows where a token names no finding or the study has no boxes.
    const looks = new Float32Array(part.length * length * f.regionCount);
    part.forEach((e, b) => {
      const t = e.attentionTargets?.subarray(0, length * f.regionCount);
      if (t) looks.set(t, b * length * f.regionCount);
    });
    const attention = tf.tensor3d(looks, [part.length, length, f.regionCount]);
    // Copy targets, only where the source survives the context's cut to maxLength.
    const t = context.ids.shape[1];
    const reads = new Float32Array(part.length * length * t);
    part.forEach((e, b) =>
      e.copySources?.slice(0, length).forEach((sources, y) => {
        for (const j of sources) if (j < t) reads[(b * length + y) * t + j] = 1;
      }),
    );
    const copy = tf.tensor3d(reads, [part.length, length, t]);
    const sentences = o.decoder.sentenceAttention;
    return { regions, segments, tokenIds: context.ids, tokenMask: context.mask, inputs, targets, targetMask, attention, copy, ...(sentences ? sentenceTensors(part, length, t, sentences) : {}) };
  });
}

/**
 * With sentence attention: the context's sentence membership, and each target token's sentence target
 * (one-hot, only for the sentences the decoder attends: the first maxSentences).
 */
function sentenceTensors(part: DecoderExample[], length: number, contextLength: number, s: SentenceAttentionConfig) {
  const picks = new Float32Array(part.length * length * s.maxSentences);
  part.forEach((e, b) =>
    e.sentenceTargets?.slice(0, length).forEach((k, y) => {
      if (k >= 0 && k < s.maxSentences) picks[(b * length + y) * s.maxSentences + k] = 1;
    }),
  );
  return {
    members: sentenceMembership(part.map((e) => ({ ids: e.contextIds, inputStart: e.inputStart })), contextLength, s),
    sentence: tf.tensor3d(picks, [part.length, length, s.maxSentences]),
  };
}

/** The stage's names: the decoder's own training, or its int8-aware fine-tuning. */
const RUNS = {
  float: { label: 'decoder', checkpoint: 'decoder.best', last: 'decoder.last', curve: { file: 'curve-decoder.svg', title: 'Fusion decoder training' }, streamKey: 3 },
  int8: { label: 'int8-aware decoder', checkpoint: 'decoder-int8.best', last: 'decoder-int8.last', curve: { file: 'curve-decoder-int8.svg', title: 'Fusion decoder, int8-aware fine-tuning' }, streamKey: 4 },
};

/** Rows of a validation batch (or any batch taken in the order given): with a token budget, small enough for the longest summaries. */
export function validationBatch(o: Pick<DecoderTrainingOptions, 'maxTokens' | 'maxSummary' | 'batch'>): number {
  return o.maxTokens ? Math.max(1, Math.floor(o.maxTokens / o.maxSummary)) : o.batch;
}

function batchLoss(w: Weights, o: DecoderTrainingOptions, part: DecoderExample[]): number {
  const b = decoderBatch(o, part);
  const ctx = prepareContext(w, b.regions, b.tokenIds, b.tokenMask, b.segments, o.decoder, b.members);
  const loss = teacherForcedLoss(w, ctx, b.inputs, b.targets, b.targetMask, o.decoder.vocab);
  const value = loss.dataSync()[0]!;
  disposeContext(ctx);
  tf.dispose([loss, ...Object.values(b)]);
  return value;
}

export async function trainDecoder(train: DecoderExample[], val: DecoderExample[], o: DecoderTrainingOptions): Promise<Weights> {
  if (o.decoder.pointingHead) throw new Error('a decoder with a pointing head trains as its core (coreDecoderConfig), and the head after it (trainPointingHead)');
  const from = o.int8Aware?.from;
  const w: Weights = from ? Object.fromEntries(Object.entries(from).map(([name, v]) => [name, tf.variable(v, true)])) : initFusionDecoder(o.decoder, o.seed);
  o.log(`fusion decoder: ${countParams(w)} parameters, ${train.length} summaries${from ? ', int8-aware fine-tuning' : ''}`);
  const regionTargets = train.some((e) => e.attentionTargets);
  const seeRegions = o.attentionWeight > 0 && regionTargets;
  const readingWeight = o.readingAttentionWeight ?? 0;
  const readRegions = o.decoder.pointingAttention === true && readingWeight > 0 && regionTargets;
  const pickSentences = o.decoder.sentenceAttention !== undefined && (o.sentenceWeight ?? 0) > 0 && train.some((e) => e.sentenceTargets);
  // Validation losses of the int8-aware run are the rounded model's, so its best checkpoint is the best int8 model.
  const validate = () => {
    const lossOf = (seen: Weights) => meanOverBatches(val, validationBatch(o), (part) => batchLoss(seen, o, part));
    return from ? withInt8(w, lossOf) : lossOf(w);
  };
  // The log line is for a fine-tuning that starts now, not one resumed from its checkpoint.
  if (from && !(o.resume && (await readCheckpointState(o.out, RUNS.int8.last)) !== undefined)) o.log(`int8-aware decoder: validation ${validate().toFixed(4)} before fine-tuning (the trained weights, rounded)`);
  await fitSequenceModel(w, o, {
    ...(from ? RUNS.int8 : RUNS.float),
    lengths: train.map((e) => e.summaryIds.length),
    ...(o.maxTokens ? { budget: { positions: train.map((e) => Math.min(e.summaryIds.length + 1, o.maxSummary)), maxTokens: o.maxTokens } } : {}),
    loss: (indices, step) => {
      const b = decoderBatch(o, indices.map((i) => train[i]!));
      const seen = from ? straightThroughInt8(w) : w;
      // Region dropout's mask is drawn by the step, so a resumed run draws the same masks.
      const ctx = prepareContext(seen, dropoutAt(b.regions, o.regionDropout ?? 0, o.seed, step), b.tokenIds, b.tokenMask, b.segments, o.decoder, b.members);
      return teacherForcedLoss(seen, ctx, b.inputs, b.targets, b.targetMask, o.decoder.vocab, {
        ...(seeRegions ? { visual: { targets: b.attention, weight: o.attentionWeight } } : {}),
        ...(readRegions ? { reading: { targets: b.attention, weight: readingWeight } } : {}),
        ...(o.copyWeight > 0 ? { copy: { targets: b.copy, weight: o.copyWeight } } : {}),
        ...(pickSentences ? { sentence: { targets: b.sentence!, weight: o.sentenceWeight! } } : {}),
        ...(o.coverageWeight > 0 ? { coverage: o.coverageWeight } : {}),
      });
    },
    // Validation batches in the order given, so with a budget small enough for the longest summaries.
    validate,
  });
  return w;
}
