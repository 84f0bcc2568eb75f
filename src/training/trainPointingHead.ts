/**
 * Stage 4 (with the decoder's `pointingHead`): the pointing attention alone, trained on the frozen decoder.
 * It learns to put its mass on the regions of the finding each summary token names (`pointingLoss`); every
 * other weight is the decoder's best checkpoint, untouched, and nothing the words depend on reads the head,
 * so the model writes what the decoder wrote. As the decoder is frozen, what each step's query reads (its
 * LSTM state and attended sentence) is computed once, teacher-forced, and the head's steps cost only the
 * attention itself: 600 steps in about a minute instead of ten through the whole decoder.
 */
import * as tf from '@tensorflow/tfjs';
import { disposeContext, pointingLoss, prepareContext, visualQueries } from '../inference/models/fusionDecoder.ts';
import { countParams, type Weights } from '../inference/models/weights.ts';
import type { ImageFeatures } from './features.ts';
import { fitSequenceModel, meanOverBatches } from './fitSequenceModel.ts';
import { regionValues } from './trainRetriever.ts';
import { decoderBatch, validationBatch, type DecoderExample, type DecoderTrainingOptions } from './trainDecoder.ts';

/** The head's weights in a decoder's weight map. */
const POINTING_HEAD_PREFIX = 'dec.att_pt.';

/** One summary as the head trains on it: its steps' queries from the frozen decoder and where each step should point. */
interface HeadExample {
  features: ImageFeatures;
  /** Teacher-forced steps (the summary's tokens, then EOS, up to the longest summary). */
  steps: number;
  /** steps × H: the LSTM state each step's query reads. */
  hidden: Float32Array;
  /** With guided vision, steps × tokenDim: the sentence it reads. */
  sentence?: Float32Array;
  /** steps × regions: 1 on the regions of the finding a step's token names. */
  targets: Uint8Array;
}

/** Each example's queries from the frozen decoder, a batch at a time; `onDone` hears how many are done. */
function frozenQueries(decoder: Weights, o: DecoderTrainingOptions, examples: DecoderExample[], batch: number, onDone: (done: number) => void): HeadExample[] {
  const out: HeadExample[] = [];
  for (let i = 0; i < examples.length; i += batch) {
    const part = examples.slice(i, i + batch);
    const [hidden, sentence] = tf.tidy(() => {
      const b = decoderBatch(o, part);
      const ctx = prepareContext(decoder, b.regions, b.tokenIds, b.tokenMask, b.segments, o.decoder, b.members);
      const q = visualQueries(decoder, ctx, b.inputs);
      disposeContext(ctx);
      return [q.hidden, q.sentence] as const;
    });
    const [, length, h] = hidden.shape;
    const hv = hidden.dataSync() as Float32Array;
    const sv = sentence?.dataSync() as Float32Array | undefined;
    const d = sentence?.shape[2] ?? 0;
    part.forEach((e, k) => {
      const steps = Math.min(e.summaryIds.length + 1, o.maxSummary);
      const regions = e.features.regionCount;
      out.push({
        features: e.features,
        steps,
        hidden: hv.slice(k * length * h, (k * length + steps) * h),
        ...(sv ? { sentence: sv.slice(k * length * d, (k * length + steps) * d) } : {}),
        targets: e.attentionTargets?.slice(0, steps * regions) ?? new Uint8Array(steps * regions),
      });
    });
    tf.dispose([hidden, ...(sentence ? [sentence] : [])]);
    onDone(out.length);
  }
  return out;
}

/** The tensors of a batch, each summary's steps padded to the longest (padding steps have no target, so no loss). */
function headBatch(part: HeadExample[]) {
  const length = Math.max(...part.map((e) => e.steps));
  const f = part[0]!.features;
  const padded = <T extends Float32Array | Uint8Array>(rows: (e: HeadExample) => T | undefined, width: number) => {
    const out = new Float32Array(part.length * length * width);
    part.forEach((e, k) => out.set(rows(e)!, k * length * width));
    return tf.tensor3d(out, [part.length, length, width]);
  };
  const h = part[0]!.hidden.length / part[0]!.steps;
  const d = part[0]!.sentence ? part[0]!.sentence.length / part[0]!.steps : 0;
  return {
    features: tf.tensor3d(regionValues(part.map((e) => e.features)), [part.length, f.regionCount, f.width]),
    queries: { hidden: padded((e) => e.hidden, h), ...(d ? { sentence: padded((e) => e.sentence, d) } : {}) },
    targets: padded((e) => e.targets, f.regionCount),
  };
}

function headLoss(w: Weights, part: HeadExample[]): tf.Scalar {
  return tf.tidy(() => {
    const b = headBatch(part);
    return pointingLoss(w, b.features, b.queries, b.targets);
  });
}

/**
 * Trains the head of `decoder` (a trained core decoder's weights with an initialised head, as `withPointingHead` makes them); returns the
 * head's weights at the end. `queried` hears how many of the training and validation summaries have their
 * queries (the minutes before the first step).
 */
export async function trainPointingHead(train: DecoderExample[], val: DecoderExample[], decoder: Weights, o: DecoderTrainingOptions, queried: (done: number) => void = () => {}): Promise<Weights> {
  if (!o.decoder.pointingHead) throw new Error('a pointing head needs a decoder config with pointingHead');
  if (!train.some((e) => e.attentionTargets?.some((v) => v > 0))) throw new Error('a pointing head needs training studies whose summaries name findings with boxes');
  const head: Weights = Object.fromEntries(Object.entries(decoder).filter(([name]) => name.startsWith(POINTING_HEAD_PREFIX)));
  // Batches of the decoder's validation size: the longest summaries fit the wasm heap.
  const batch = validationBatch(o);
  const started = performance.now();
  const trainQ = frozenQueries(decoder, o, train, batch, queried);
  const valQ = frozenQueries(decoder, o, val, batch, (done) => queried(train.length + done));
  o.log(`pointing head: ${countParams(head)} parameters, on the frozen decoder's queries of ${train.length} summaries (computed in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  await fitSequenceModel(head, o, {
    label: 'pointing head', checkpoint: 'pointing-head.best', last: 'pointing-head.last', streamKey: 5,
    curve: { file: 'curve-pointing-head.svg', title: 'Pointing head on the frozen decoder', measure: { name: '−log attention mass', unit: 'on the named finding' } },
    lengths: trainQ.map((e) => e.steps),
    loss: (indices) => headLoss(decoder, indices.map((i) => trainQ[i]!)),
    validate: () =>
      meanOverBatches(valQ, batch, (part) => {
        const loss = headLoss(decoder, part);
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return value;
      }),
  });
  return head;
}
