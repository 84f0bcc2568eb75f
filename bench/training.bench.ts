/**
 * One fusion-decoder training step on the wasm backend (forward, backward, Adam) at the pipeline's shapes:
 * median seconds per step and per study, with tfjs's own BatchMatMul gradient and with Tuwen's
 * (src/inference/tf/fastGradients.ts), and the ratio between them; and what the sentence attention and v17's options cost.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { contextSegments, initFusionDecoder, prepareContext, sentenceMembership, teacherForcedLoss, type FusionDecoderConfig } from '../src/inference/models/fusionDecoder.ts';
import { installFastMatMulGradient } from '../src/inference/tf/fastGradients.ts';
import { disposeWeights } from '../src/inference/models/weights.ts';
import { median, timeRuns } from './stats.ts';

// The shipped model's decoder; a context of 3 passages and the input text, a summary of 70 tokens.
const CONFIG: FusionDecoderConfig = { vocab: 330, embed: 64, hidden: 192, regionDim: 64, regions: 256, tokenDim: 64, attention: 64, contextEncoder: { dilations: [1, 2, 4, 8], maxLength: 256 }, textFeeding: true };
const CONTEXT = 230;
const SUMMARY = 70;
/** With sentence attention: a "。" every 25 context tokens (the corpus's sentences are 10–40 tokens). */
const END_ID = 4;
const WITH_SENTENCES: FusionDecoderConfig = { ...CONFIG, sentenceAttention: { endId: END_ID, maxSentences: 32 } };
/** v17's decoder: sentence attention with the guided visual query, the visual deep output, r_y and the sentence product. */
const V17: FusionDecoderConfig = { ...WITH_SENTENCES, sentenceGuidedVision: true, visualOutput: true, remainingSentences: true, sentenceProduct: true };

function stepSeconds(batch: number, runs: number, config = CONFIG): Promise<number[]> {
  const w = initFusionDecoder(config, 1);
  const rows = Array.from({ length: batch }, (_, b) => Array.from({ length: CONTEXT }, (_, t) => (t % 25 === 24 ? END_ID : 5 + ((b * 7919 + t * 104729) % (CONFIG.vocab - 5)))));
  const optimizer = tf.train.adam(0.003);
  const data = tf.tidy(() => ({
    regions: tf.randomNormal([batch, CONFIG.regions, CONFIG.regionDim], 0, 1, 'float32', 1) as tf.Tensor3D,
    ids: tf.tensor2d(rows.flat(), [batch, CONTEXT], 'int32'),
    members: config.sentenceAttention ? sentenceMembership(rows.map((ids) => ({ ids, inputStart: 100 })), CONTEXT, config.sentenceAttention) : undefined,
    mask: tf.ones([batch, CONTEXT]) as tf.Tensor2D,
    segments: contextSegments(new Array(batch).fill(100), CONTEXT),
    inputs: tf.randomUniform([batch, SUMMARY], 5, CONFIG.vocab, 'int32', 3) as tf.Tensor2D,
    targets: tf.randomUniform([batch, SUMMARY], 5, CONFIG.vocab, 'int32', 4) as tf.Tensor2D,
    targetMask: tf.ones([batch, SUMMARY]) as tf.Tensor2D,
  }));
  const run = async () => {
    const loss = optimizer.minimize(() => {
      const ctx = prepareContext(w, data.regions, data.ids, data.mask, data.segments, config, data.members);
      return teacherForcedLoss(w, ctx, data.inputs, data.targets, data.targetMask, config.vocab, { coverage: 1 });
    }, true, Object.values(w))!;
    await loss.data();
    loss.dispose();
  };
  return timeRuns(run, runs, 1).then((ms) => {
    tf.dispose(Object.values(data));
    optimizer.dispose();
    disposeWeights(w);
    return ms.map((m) => m / 1000);
  });
}

export async function trainingBench(runs = 5): Promise<void> {
  await tf.setBackend('wasm');
  const rows: { gradient: string; batch: number; s: number }[] = [];
  rows.push({ gradient: "tfjs's own", batch: 16, s: median(await stepSeconds(16, runs)) });
  installFastMatMulGradient();
  for (const batch of [16, 32]) rows.push({ gradient: "Tuwen's", batch, s: median(await stepSeconds(batch, runs)) });
  rows.push({ gradient: "Tuwen's, sentences", batch: 32, s: median(await stepSeconds(32, runs, WITH_SENTENCES)) });
  rows.push({ gradient: "Tuwen's, v17", batch: 32, s: median(await stepSeconds(32, runs, V17)) });
  const base = rows[0]!.s / 16;
  console.log(`\nFusion-decoder training step (wasm, Node ${process.version}), median of ${runs} runs; context ${CONTEXT}, summary ${SUMMARY} tokens`);
  console.log('matMul gradient     batch   s/step   ms/study   × tfjs per study');
  for (const r of rows) console.log(`${r.gradient.padEnd(20)}${String(r.batch).padStart(5)}${r.s.toFixed(2).padStart(9)}${((r.s / r.batch) * 1000).toFixed(0).padStart(11)}${(base / (r.s / r.batch)).toFixed(2).padStart(19)}`);
  console.log(`sentence attention: × ${(rows[3]!.s / rows[2]!.s).toFixed(2)} time per step at batch 32`);
  console.log(`v17's options on top of it: × ${(rows[4]!.s / rows[3]!.s).toFixed(2)} time per step at batch 32`);
}
