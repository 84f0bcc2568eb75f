/**
 * One fusion-decoder training step on the wasm backend (forward, backward, Adam) at the pipeline's shapes:
 * median seconds per step and per study, with tfjs's own BatchMatMul gradient and with Tuwen's
 * (src/inference/tf/fastGradients.ts), and the ratio between them; what the sentence attention and v17's options cost, and
 * what wasm's Slice, Unpack and SplitV save when they read the heap through a view (src/inference/tf/heapSlices.ts),
 * and Identity when its clones share memory (src/inference/tf/sharedIdentity.ts). Last, an image step with and
 * without the tiled Transpose (src/inference/tf/blockTranspose.ts).
 * Then two parts of that speed alone: attention's products over a summary with keys and values transposed at
 * every step (the fast gradient) or once (`matMulTransposed`); and an image pretraining step with its batch
 * made into floats on the main thread or on a worker one step ahead (`ImageBatchConverter`), and what the
 * encoder's options cost per step (the nodule filter's channel, region maxima, the deep stem).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { contextSegments, initFusionDecoder, prepareContext, sentenceMembership, teacherForcedLoss, type FusionDecoderConfig } from '../src/inference/models/fusionDecoder.ts';
import { installFastMatMulGradient, matMulTransposed, swapLast } from '../src/inference/tf/fastGradients.ts';
import { installHeapSlices } from '../src/inference/tf/heapSlices.ts';
import { installSharedIdentity } from '../src/inference/tf/sharedIdentity.ts';
import { installBlockTranspose } from '../src/inference/tf/blockTranspose.ts';
import { DEFAULT_IMAGE_ENCODER, encodeImage, headOutputs, initImageEncoder, regionGrid, regionLogits, withDeepStem, withDotFilter, withThresholds, type ImageEncoderConfig } from '../src/inference/models/imageEncoder.ts';
import { ImageBatchConverter } from '../src/training/imageBatches.ts';
import { imageBatch, type ImageExample } from '../src/training/imageExamples.ts';
import { weightedBce } from '../src/training/pretrainImage.ts';
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
  // Installed for good, as training installs it: the attention and image-step parts below run with it too.
  installHeapSlices();
  rows.push({ gradient: '+ heap slices', batch: 32, s: median(await stepSeconds(32, runs, V17)) });
  installSharedIdentity();
  rows.push({ gradient: '+ shared Identity', batch: 32, s: median(await stepSeconds(32, runs, V17)) });
  const base = rows[0]!.s / 16;
  console.log(`\nFusion-decoder training step (wasm, Node ${process.version}), median of ${runs} runs; context ${CONTEXT}, summary ${SUMMARY} tokens`);
  console.log('matMul gradient     batch   s/step   ms/study   × tfjs per study');
  console.log("(attention's products take matMulTransposed's gradient in every row, so the first row is not tfjs's gradient alone)");
  for (const r of rows) console.log(`${r.gradient.padEnd(20)}${String(r.batch).padStart(5)}${r.s.toFixed(2).padStart(9)}${((r.s / r.batch) * 1000).toFixed(0).padStart(11)}${(base / (r.s / r.batch)).toFixed(2).padStart(19)}`);
  console.log(`sentence attention: × ${(rows[3]!.s / rows[2]!.s).toFixed(2)} time per step at batch 32`);
  console.log(`v17's options on top of it: × ${(rows[4]!.s / rows[3]!.s).toFixed(2)} time per step at batch 32`);
  console.log(`Slice, Unpack and SplitV reading the wasm heap through a view (heapSlices.ts): × ${(rows[5]!.s / rows[4]!.s).toFixed(2)} time per v17 step`);
  console.log(`Identity sharing its input's memory (sharedIdentity.ts): × ${(rows[6]!.s / rows[5]!.s).toFixed(2)} time per v17 step`);
  await attentionBench(runs);
  await blockTransposeBench(runs, await imageStepBench(runs));
}

/** Forward and backward of attention's two products (scores key·query, context weights·values) over a summary of SUMMARY steps. */
async function attentionBench(runs: number): Promise<void> {
  const [b, n, a] = [32, 256, 64];
  const keys = tf.randomNormal([b, n, a], 0, 1, 'float32', 5) as tf.Tensor3D;
  const values = tf.randomNormal([b, n, a], 0, 1, 'float32', 6) as tf.Tensor3D;
  const query = tf.variable(tf.randomNormal([b, a], 0, 0.1, 'float32', 7));
  const seconds = async (transposedOnce: boolean) => {
    const run = async () => {
      const { value, grads } = tf.variableGrads(() => {
        const copies = transposedOnce ? { keysT: swapLast(keys), valuesT: swapLast(values) } : undefined;
        let h = query as tf.Tensor;
        for (let t = 0; t < SUMMARY; t++) {
          const q = tf.expandDims(h, 2);
          const scores = copies ? matMulTransposed(keys, q, { aT: copies.keysT }) : tf.matMul(keys, q);
          const weights = tf.expandDims(tf.softmax(tf.squeeze(scores, [2])), 1);
          h = tf.squeeze(copies ? matMulTransposed(weights, values, { bT: copies.valuesT }) : tf.matMul(weights, values), [1]);
        }
        return tf.sum(h) as tf.Scalar;
      }, [query]);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    return median(await timeRuns(run, runs, 1)) / 1000;
  };
  const everyStep = await seconds(false);
  const once = await seconds(true);
  tf.dispose([keys, values, query]);
  console.log(`\nAttention products over ${SUMMARY} steps, forward and backward (batch ${b}, ${n} keys of ${a}), median of ${runs} runs`);
  console.log(`keys and values transposed at every step: ${everyStep.toFixed(3)} s; once per summary: ${once.toFixed(3)} s; × ${(everyStep / once).toFixed(2)} faster`);
}

/**
 * Image pretraining steps at the pipeline's shapes (batch 16), each batch made into floats on the main thread
 * or on the worker; then, on the worker, with the nodule filter's third input channel (`--dot-filter`), with
 * the two threshold channels (`--thresholds`), with region maxima (`--region-max`) and with the deep stem (`--deep-stem`). Returns the step with the nodule filter's channel.
 */
async function imageStepBench(runs: number): Promise<number> {
  const c = DEFAULT_IMAGE_ENCODER;
  const two = await imageSteps(c, runs);
  console.log(`\nImage pretraining step (batch 16, ${c.grid.depth}×${c.grid.height}×${c.grid.width}×${c.channels}), median of ${runs} runs`);
  console.log(`floats made on the main thread: ${two.mainThread.toFixed(2)} s; on the worker one step ahead: ${two.worker.toFixed(2)} s; × ${(two.mainThread / two.worker).toFixed(2)} faster`);
  const filtered = withDotFilter(c);
  const three = await imageSteps(filtered, runs);
  console.log(`with the nodule filter's channel (×${filtered.channels}), on the worker: ${three.worker.toFixed(2)} s; × ${(three.worker / two.worker).toFixed(2)} the two-channel step`);
  const thresholded = withThresholds(c);
  const four = await imageSteps(thresholded, runs);
  console.log(`with the threshold channels (×${thresholded.channels}), on the worker: ${four.worker.toFixed(2)} s; × ${(four.worker / two.worker).toFixed(2)} the two-channel step`);
  const maxima = await imageSteps({ ...c, regionMax: true }, runs);
  console.log(`with region maxima (--region-max), on the worker: ${maxima.worker.toFixed(2)} s; × ${(maxima.worker / two.worker).toFixed(2)} the plain step`);
  const deep = await imageSteps(withDeepStem(c), runs);
  console.log(`with the deep stem (--deep-stem), on the worker: ${deep.worker.toFixed(2)} s; × ${(deep.worker / two.worker).toFixed(2)} the plain step`);
  return three.worker;
}

/** The image step with the nodule filter's channel (the shipped encoder; `before`, from `imageStepBench`) again with the tiled Transpose (installed for good). */
async function blockTransposeBench(runs: number, before: number): Promise<void> {
  installBlockTranspose();
  const after = (await imageSteps(withDotFilter(DEFAULT_IMAGE_ENCODER), runs)).worker;
  console.log(`tiled Transpose (blockTranspose.ts): image step with the nodule filter's channel ${before.toFixed(2)} → ${after.toFixed(2)} s; × ${(after / before).toFixed(2)} time per step`);
}

async function imageSteps(c: ImageEncoderConfig, runs: number): Promise<{ mainThread: number; worker: number }> {
  const batch = 16;
  const r = regionGrid(c);
  const w = initImageEncoder(c, 1);
  const size = c.grid.depth * c.grid.height * c.grid.width * c.channels;
  const examples: ImageExample[] = Array.from({ length: 3 * batch }, (_, i) => ({ id: `s${i}`, image: Uint8Array.from({ length: size }, (_, j) => (j * 7 + i * 13 + (j >> 9)) & 255), regionTargets: new Uint8Array(0), category: 0 }));
  const batchOf = (k: number) => examples.slice((k % 3) * batch, (k % 3 + 1) * batch);
  const y = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([batch, r.depth, r.height, r.width, headOutputs(c)], 0, 1, 'float32', 8), 0.9), 'float32'));
  const optimizer = tf.train.adam(0.003);
  const step = async (x: tf.Tensor2D) => {
    const loss = optimizer.minimize(() => weightedBce(regionLogits(w, encodeImage(w, c, x)), y, 40), true)!;
    await loss.data();
    tf.dispose([loss, x]);
  };
  let k = 0;
  const mainThread = median(await timeRuns(() => step(imageBatch(batchOf(k++))), runs, 2)) / 1000;
  const converter = new ImageBatchConverter();
  let next = converter.convert(batchOf(k).map((e) => e.image));
  const worker = median(
    await timeRuns(async () => {
      const floats = await next;
      next = converter.convert(batchOf(++k).map((e) => e.image));
      await step(tf.tensor2d(floats, [batch, size]));
    }, runs, 2),
  ) / 1000;
  await next;
  await converter.close();
  tf.dispose([y]);
  optimizer.dispose();
  disposeWeights(w);
  return { mainThread, worker };
}
