/** The fusion decoder: a proper distribution, β in (0, 1), masked tokens ignored, learning to copy, supervised attention, no leaks. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextSegments, coreDecoderConfig, disposeContext, initFusionDecoder, initialState, pointingLoss, pointingWeights, prepareContext, visualQueries, salientSentences, sentenceMembership, step, teacherForcedLoss, tokenLogProbs, type DecoderContext, type FusionDecoderConfig } from '../../src/inference/models/fusionDecoder.ts';
import { installFastMatMulGradient } from '../../src/inference/tf/fastGradients.ts';
import { disposeWeights, type Weights } from '../../src/inference/models/weights.ts';
import { decode, fusionStepper, stepTensors } from '../../src/inference/decode.ts';

const config: FusionDecoderConfig = { vocab: 12, embed: 8, hidden: 16, regionDim: 6, regions: 4, tokenDim: 8, attention: 8, contextEncoder: { dilations: [1, 2], maxLength: 8 } };

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  installFastMatMulGradient();
});

/** Two studies; each has 5 retrieved tokens (the last one padding) whose ids the target copies. */
function toyBatch() {
  const ids = tf.tensor2d([[5, 7, 9, 3, 0], [4, 6, 8, 10, 0]]);
  const mask = tf.tensor2d([[1, 1, 1, 1, 0], [1, 1, 1, 1, 0]]);
  // The first token of each row stands for a retrieved passage, the rest for the input text.
  const segments = contextSegments([1, 1], 5);
  const regions = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 5) as tf.Tensor3D;
  const inputs = tf.tensor2d([[2, 5, 7, 9], [2, 4, 6, 8]]); // BOS (2), then the copied ids
  const targets = tf.tensor2d([[5, 7, 9, 3], [4, 6, 8, 10]]);
  const targetMask = tf.ones([2, 4]) as tf.Tensor2D;
  return { ids, mask, segments, regions, inputs, targets, targetMask };
}

/** A [B, L, N] tensor of zeros with ones at the given (b, y, n) cells. */
function ones(shape: [number, number, number], cells: [number, number, number][]): tf.Tensor3D {
  const m = tf.buffer(shape);
  for (const [b, y, n] of cells) m.set(1, b, y, n);
  return m.toTensor() as tf.Tensor3D;
}

/** Every teacher-forced step's visual and text attention and its coverage before and after, as arrays. */
function unroll(w: Weights, ctx: DecoderContext, inputs: tf.Tensor2D) {
  return tf.tidy(() => {
    let s = initialState(w, ctx);
    const out: { looks: number[][]; reads: number[][]; coverageBefore: number[][]; coverageAfter: number[][] }[] = [];
    for (let y = 0; y < inputs.shape[1]; y++) {
      const o = step(w, ctx, tf.squeeze(tf.slice(inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D, s);
      out.push({ looks: o.visualAttention.arraySync(), reads: o.textAttention.arraySync(), coverageBefore: s.coverage.arraySync(), coverageAfter: o.state.coverage.arraySync() });
      s = o.state;
    }
    return out;
  });
}

/** The toy batch's mean −log p(target) from the decoding path: `step` unrolled on the teacher-forced inputs. */
function steppedLoss(w: Weights, ctx: DecoderContext, t: ReturnType<typeof toyBatch>): number {
  const targets = t.targets.arraySync();
  return tf.tidy(() => {
    let s = initialState(w, ctx);
    let sum = 0;
    for (let y = 0; y < 4; y++) {
      const o = step(w, ctx, tf.squeeze(tf.slice(t.inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D, s);
      o.probs.arraySync().forEach((row, b) => (sum -= Math.log(row[targets[b]![y]!]! + 1e-8)));
      s = o.state;
    }
    return sum / 8;
  });
}

/** Only l, the output layer's last two inputs, feeds the logits: token 1 ← lobe 0, token 2 ← lobe 1 (with β = 0 and `LOBE_TABLE`). */
function readLobesOnly(w: Weights): void {
  const [rows, vocab] = w['dec.out.kernel']!.shape as [number, number];
  const kernel = new Float32Array(rows * vocab);
  kernel[(rows - 2) * vocab + 1] = 1;
  kernel[(rows - 1) * vocab + 2] = 1;
  tf.tidy(() => {
    w['dec.out.kernel']!.assign(tf.tensor2d(kernel, [rows, vocab]));
    w['dec.out.bias']!.assign(tf.zeros([vocab]));
  });
}

/** Two lobes over the toy's 4 regions: region 0 in lobe 0, region 1 in both, region 2 in lobe 1, region 3 in none. */
const LOBE_TABLE = [1, 0, 0.5, 0.5, 0, 1, 0, 0];

/** Under `readLobesOnly`, log p(1) / p(0) and log p(2) / p(0) are the lobes under the attention, l = aᵀ P, by hand. */
function expectLobeLogits(probs: number[][], attention: number[][]): void {
  attention.forEach((a, b) => {
    expect(Math.log(probs[b]![1]! / probs[b]![0]!)).toBeCloseTo(a[0]! + 0.5 * a[1]!, 5);
    expect(Math.log(probs[b]![2]! / probs[b]![0]!)).toBeCloseTo(0.5 * a[1]! + a[2]!, 5);
  });
}

/** The toy batch's first decoding step under config c; `release` frees what it made, `before` is the tensor count it started from. */
function firstStep(w: Weights, c: FusionDecoderConfig) {
  const t = toyBatch();
  const bos = tf.tensor1d([2, 2]);
  const before = tf.memory().numTensors;
  const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, c);
  const s0 = initialState(w, ctx);
  const out = step(w, ctx, bos, s0);
  const release = () => {
    tf.dispose([...stepTensors(out), ...Object.values(out.state), ...Object.values(s0)]);
    disposeContext(ctx);
  };
  return { t, ctx, out, before, release };
}

describe('fusion decoder', () => {
  it('one step gives a distribution, a gate and attentions; padding gets no attention; nothing leaks', () => {
    const w = initFusionDecoder(config, 1);
    const { out, before, release } = firstStep(w, config);
    expect(out.probs.shape).toEqual([2, 12]);
    tf.tidy(() => tf.sum(out.probs, 1).dataSync()).forEach((v) => expect(v).toBeCloseTo(1, 5));
    out.beta.dataSync().forEach((b) => expect(b > 0 && b < 1).toBe(true));
    expect(out.visualAttention.shape).toEqual([2, 4]);
    expect(out.textAttention.arraySync().map((row) => row[4])).toEqual([0, 0]);
    release();
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(w);
  });

  it('the teacher-forced loss is the mean −log of the step distribution at the targets (the training path evaluates eq. 18 at the target alone)', () => {
    const w = initFusionDecoder(config, 4);
    const t = toyBatch();
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, config);
    const loss = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab).dataSync()[0]!;
    expect(loss).toBeCloseTo(steppedLoss(w, ctx, t), 5);
    disposeContext(ctx);
    disposeWeights(w);
  });

  it('passage places and sizes copy nothing: with β = 1, p is the attention on the copyable tokens; training and decoding agree', () => {
    // Ids 5 and 7 are "uncopied": row 0's 5 stands in its passage (position 0), its 7 in the input text.
    const uncopied: FusionDecoderConfig = { ...config, fixedBeta: 1, passageUncopied: [5, 7] };
    const w = initFusionDecoder(uncopied, 6);
    const { t, ctx, out, release } = firstStep(w, uncopied);
    expect(ctx.copyMask.arraySync()).toEqual([[0, 1, 1, 1, 0], [1, 1, 1, 1, 0]]);
    const [p0, p1] = out.probs.arraySync();
    const [a0, a1] = out.textAttention.arraySync();
    expect(p0![5]).toBe(0); // the passage's 5 is attended but not copied
    expect(p0![7]).toBeCloseTo(a0![1]!, 6); // the input text's 7 is
    expect(p0!.reduce((x, y) => x + y)).toBeCloseTo(1 - a0![0]!, 5);
    expect(p1![4]).toBeCloseTo(a1![0]!, 6); // 4 is not uncopied, so row 1's passage token copies
    const loss = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, uncopied.vocab).dataSync()[0]!;
    expect(loss).toBeCloseTo(steppedLoss(w, ctx, t), 4);
    release();
    disposeWeights(w);
  });

  it('region lobes: the output layer reads l = aᵀ P, the lobes under the visual attention', () => {
    const lobes: FusionDecoderConfig = { ...config, fixedBeta: 0, regionLobes: { lobes: 2, table: LOBE_TABLE } };
    const w = initFusionDecoder(lobes, 7);
    expect(w['dec.out.kernel']!.shape[0]).toBe(config.hidden + 2); // h, then l (no text feeding in this config)
    readLobesOnly(w);
    const { out, before, release } = firstStep(w, lobes);
    const probs = out.probs.arraySync();
    expectLobeLogits(probs, out.visualAttention.arraySync());
    release();
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(w);
  });

  it('key-only features: the regions\' last k features steer the visual attention and nothing else reads them', () => {
    const keyOnly: FusionDecoderConfig = { ...config, visualOutput: true, keyOnlyFeatures: 2 };
    const read = config.regionDim - 2;
    const w = initFusionDecoder(keyOnly, 8);
    expect(w['dec.init_h.kernel']!.shape).toEqual([read, config.hidden]);
    expect(w['dec.lstm.kernel']!.shape[0]).toBe(config.embed + read + config.hidden);
    expect(w['dec.out.kernel']!.shape[0]).toBe(config.hidden + read);
    expect(w['dec.att_img.regions']!.shape[0]).toBe(config.regionDim);
    // The toy batch with region 1's last two features raised by 3 in both studies.
    const firstStepWith = (c: FusionDecoderConfig, weights: Weights, raised: boolean) => {
      const t = toyBatch();
      const bump = tf.tensor3d(Array.from({ length: 2 * 4 * 6 }, (_, i) => (raised && Math.floor(i / 6) % 4 === 1 && i % 6 >= 4 ? 3 : 0)), [2, 4, 6]);
      const regions = tf.add(t.regions, bump) as tf.Tensor3D;
      const ctx = prepareContext(weights, regions, t.ids, t.mask, t.segments, c);
      const result = tf.tidy(() => {
        const o = step(weights, ctx, tf.tensor1d([2, 2]), initialState(weights, ctx));
        return { probs: o.probs.arraySync(), looks: o.visualAttention.arraySync(), regionsRead: ctx.regions.shape[2] };
      });
      disposeContext(ctx);
      tf.dispose([t.ids, t.mask, t.segments, t.regions, t.inputs, t.targets, t.targetMask, bump, regions]);
      return result;
    };
    const before = tf.memory().numTensors;
    const plain = firstStepWith(keyOnly, w, false);
    const raised = firstStepWith(keyOnly, w, true);
    expect(tf.memory().numTensors).toBe(before);
    expect(plain.regionsRead).toBe(read);
    expect(Math.abs(raised.looks[0]![1]! - plain.looks[0]![1]!)).toBeGreaterThan(1e-3); // they move the attention
    // With their key rows zeroed the attention cannot see them, and then nothing changes at all...
    const keyRows = tf.tidy(() => tf.concat([tf.slice(w['dec.att_img.regions']!, [0, 0], [read, -1]), tf.zeros([2, config.attention])]));
    w['dec.att_img.regions']!.assign(keyRows);
    const blind = [firstStepWith(keyOnly, w, false), firstStepWith(keyOnly, w, true)];
    blind[1]!.probs.forEach((row, b) => row.forEach((p, v) => expect(p).toBeCloseTo(blind[0]!.probs[b]![v]!, 6)));
    // ...whereas a decoder that reads all its features into v_y, keys zeroed the same way, still reads them.
    const full: FusionDecoderConfig = { ...config, visualOutput: true };
    const wf = initFusionDecoder(full, 8);
    tf.tidy(() => wf['dec.att_img.regions']!.assign(tf.concat([tf.slice(wf['dec.att_img.regions']!, [0, 0], [read, -1]), tf.zeros([2, config.attention])])));
    const [fullPlain, fullRaised] = [firstStepWith(full, wf, false), firstStepWith(full, wf, true)];
    expect(Math.max(...fullRaised.probs[0]!.map((p, v) => Math.abs(p - fullPlain.probs[0]![v]!)))).toBeGreaterThan(1e-4);
    tf.dispose(keyRows);
    disposeWeights(w);
    disposeWeights(wf);
  });

  it('a pointing attention: the key-only features move it and not the reading one; l reads the pointing weights; each is supervised at its own weight', () => {
    const two: FusionDecoderConfig = { ...config, fixedBeta: 0, keyOnlyFeatures: 2, pointingAttention: true, regionLobes: { lobes: 2, table: LOBE_TABLE } };
    const read = config.regionDim - 2;
    const w = initFusionDecoder(two, 9);
    expect(w['dec.att_img.regions']!.shape).toEqual([read, config.attention]); // the reading attention's keys: the encoder's features
    expect(w['dec.att_pt.regions']!.shape).toEqual([config.regionDim, config.attention]); // the pointing one's: all of them
    readLobesOnly(w);
    const t = toyBatch();
    const before = tf.memory().numTensors;
    /** The first step with region 1's key-only features raised by `by`: probabilities, and both attentions from the training path. */
    const firstStepRaised = (by: number) =>
      tf.tidy(() => {
        const bump = tf.tensor3d(Array.from({ length: 2 * 4 * 6 }, (_, i) => (Math.floor(i / 6) % 4 === 1 && i % 6 >= 4 ? by : 0)), [2, 4, 6]);
        const ctx = prepareContext(w, tf.add(t.regions, bump) as tf.Tensor3D, t.ids, t.mask, t.segments, two);
        const o = step(w, ctx, tf.tensor1d([2, 2]), initialState(w, ctx));
        const looks = tokenLogProbs(w, ctx, t.inputs, t.targets, config.vocab);
        const out = { probs: o.probs.arraySync(), pointing: o.visualAttention.arraySync(), trainPointing: looks.looks.arraySync().map((r) => r[0]!), reading: looks.readLooks!.arraySync().map((r) => r[0]!) };
        disposeContext(ctx);
        return out;
      });
    const plain = firstStepRaised(0);
    const raised = firstStepRaised(3);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(raised.pointing[0]![1]! - plain.pointing[0]![1]!)).toBeGreaterThan(1e-3);
    raised.reading.forEach((row, b) => row.forEach((a, r) => expect(a).toBeCloseTo(plain.reading[b]![r]!, 6)));
    plain.pointing.forEach((row, b) => row.forEach((a, r) => expect(a).toBeCloseTo(plain.trainPointing[b]![r]!, 6))); // decoding shows what training scores
    expect(Math.max(...plain.pointing[0]!.map((a, r) => Math.abs(a - plain.reading[0]![r]!)))).toBeGreaterThan(1e-3);
    expectLobeLogits(plain.probs, plain.pointing);
    // The reading term by hand: −log of the reading attention's mass on study 1's regions 0 and 3 at step 0, at weight 0.5.
    const targets = ones([2, 4, 4], [[1, 0, 0], [1, 0, 3]]);
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, two);
    const loss = (s: Parameters<typeof teacherForcedLoss>[6]) => tf.tidy(() => teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, s).dataSync()[0]!);
    const missed = (a: number[][]) => -Math.log(a[1]![0]! + a[1]![3]! + 1e-8);
    expect(loss({ reading: { targets, weight: 0.5 } })).toBeCloseTo(loss({}) + 0.5 * missed(plain.reading), 4);
    expect(loss({ visual: { targets, weight: 0.5 } })).toBeCloseTo(loss({}) + 0.5 * missed(plain.pointing), 4);
    disposeContext(ctx);
    tf.dispose([targets, ...Object.values(t)]);
    disposeWeights(w);
  });

  it('a pointing head with a GELU layer in its keys: softmax_r((W_r GELU(W_m x_r + b_m)) · (W_h h + b_q) / √A) by hand, the same batched over the steps; the words do not read it', () => {
    const core: FusionDecoderConfig = { ...config, regionDim: 4 };
    const headed: FusionDecoderConfig = { ...core, regionDim: 6, keyOnlyFeatures: 2, pointingAttention: true, pointingHead: true, pointingHeadHidden: 5 };
    expect(coreDecoderConfig(headed)).toEqual(core);
    const w = initFusionDecoder(headed, 9);
    expect(w['dec.att_pt.mlp.kernel']!.shape).toEqual([6, 5]);
    expect(w['dec.att_pt.regions']!.shape).toEqual([5, config.attention]);
    // Non-zero biases, so that both enter the check.
    w['dec.att_pt.mlp.bias']!.assign(tf.tensor1d([0.3, -0.2, 0.1, 0.5, -0.4]));
    w['dec.att_pt.bias']!.assign(tf.randomNormal([config.attention], 0, 1, 'float32', 3) as tf.Tensor1D);
    const first = firstStep(w, headed);
    const probs = first.out.probs.arraySync();
    const heatmap = first.out.visualAttention.arraySync();
    tf.tidy(() => {
      const x = (tf.add(first.t.regions, w['dec.region_pos']!) as tf.Tensor3D).arraySync()[1]!;
      const [mk, mb, rk] = (['dec.att_pt.mlp.kernel', 'dec.att_pt.mlp.bias', 'dec.att_pt.regions'] as const).map((n) => w[n]!.arraySync()) as [number[][], number[], number[][]];
      const gelu = (v: number) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
      const keys = x.map((row) => {
        const hidden = mb.map((b, j) => gelu(row.reduce((a, v, d) => a + v * mk[d]![j]!, b)));
        return rk[0]!.map((_, k) => hidden.reduce((a, v, j) => a + v * rk[j]![k]!, 0));
      });
      const query = (tf.add(tf.matMul(initialState(w, first.ctx).h, w['dec.att_pt.hidden'] as tf.Tensor2D), w['dec.att_pt.bias']!) as tf.Tensor2D).arraySync()[1]!;
      const energy = keys.map((k) => k.reduce((a, v, d) => a + v * query[d]!, 0) / Math.sqrt(config.attention));
      const z = energy.map((e) => Math.exp(e - Math.max(...energy)));
      heatmap[1]!.forEach((a, r) => expect(a).toBeCloseTo(z[r]! / z.reduce((p, q) => p + q, 0), 5));
      // Batched over the steps, as the head trains: the steps' own weights.
      const queries = visualQueries(w, first.ctx, first.t.inputs);
      const looks = tokenLogProbs(w, first.ctx, first.t.inputs, first.t.targets, config.vocab).looks.arraySync();
      pointingWeights(w, first.t.regions, queries).arraySync().forEach((rows, b) => rows.forEach((row, y) => row.forEach((v, r) => expect(v).toBeCloseTo(looks[b]![y]![r]!, 6))));
    });
    first.release();
    tf.dispose(Object.values(first.t));
    // Another GELU layer: another heatmap, the same words.
    tf.tidy(() => w['dec.att_pt.mlp.kernel']!.assign(tf.mul(w['dec.att_pt.mlp.kernel']!, -2)));
    const moved = firstStep(w, headed);
    moved.out.probs.arraySync().forEach((row, b) => row.forEach((p, k) => expect(p).toBeCloseTo(probs[b]![k]!, 6)));
    expect(Math.max(...moved.out.visualAttention.arraySync()[1]!.map((a, r) => Math.abs(a - heatmap[1]![r]!)))).toBeGreaterThan(1e-3);
    moved.release();
    tf.dispose(Object.values(moved.t));
    disposeWeights(w);
  });

  it('a pointing head: the decoder writes exactly what its core writes; only the head moves the heatmap; l reads the reading attention; its loss by hand', () => {
    const core: FusionDecoderConfig = { ...config, regionDim: 4, visualOutput: true, regionLobes: { lobes: 2, table: LOBE_TABLE } };
    const headed: FusionDecoderConfig = { ...core, regionDim: 6, keyOnlyFeatures: 2, pointingAttention: true, pointingHead: true };
    expect(coreDecoderConfig(headed)).toEqual(core);
    const wc = initFusionDecoder(core, 9);
    const w = initFusionDecoder(headed, 9);
    // Initialised as the core; the filters' region positions are zero; the head has its own projections.
    for (const [name, v] of Object.entries(wc)) if (name !== 'dec.region_pos') expect(Array.from(w[name]!.dataSync()), name).toEqual(Array.from(v.dataSync()));
    const positions = w['dec.region_pos']!.arraySync() as number[][];
    expect(positions.map((row) => row.slice(0, 4))).toEqual(wc['dec.region_pos']!.arraySync());
    expect(positions.every((row) => row[4] === 0 && row[5] === 0)).toBe(true);
    expect(w['dec.att_pt.regions']!.shape).toEqual([6, config.attention]);
    const t = toyBatch();
    const before = tf.memory().numTensors;
    /** Teacher-forced log p and both attentions; the core reads the regions' first 4 features. */
    const run = (weights: Weights, c: FusionDecoderConfig) =>
      tf.tidy(() => {
        const regions = c.regionDim === 4 ? (tf.slice(t.regions, [0, 0, 0], [-1, -1, 4]) as tf.Tensor3D) : t.regions;
        const ctx = prepareContext(weights, regions, t.ids, t.mask, t.segments, c);
        const r = tokenLogProbs(weights, ctx, t.inputs, t.targets, config.vocab);
        const out = { logProbs: r.logProbs.arraySync(), looks: r.looks.arraySync(), readLooks: r.readLooks?.arraySync() };
        disposeContext(ctx);
        return out;
      });
    const plain = run(wc, core);
    const withHead = run(w, headed);
    withHead.logProbs.forEach((row, b) => row.forEach((l, y) => expect(l).toBeCloseTo(plain.logProbs[b]![y]!, 5)));
    withHead.readLooks!.forEach((row, b) => row.forEach((a, y) => a.forEach((v, r) => expect(v).toBeCloseTo(plain.looks[b]![y]![r]!, 6)))); // the reading attention is the core's
    expect(Math.max(...withHead.looks[0]![0]!.map((a, r) => Math.abs(a - withHead.readLooks![0]![0]![r]!)))).toBeGreaterThan(1e-3); // the heatmap is the head's
    // Another head: another heatmap, the same words (nothing the words depend on reads it, l_y included).
    tf.tidy(() => w['dec.att_pt.hidden']!.assign(tf.mul(w['dec.att_pt.hidden']!, -3)));
    const moved = run(w, headed);
    moved.logProbs.forEach((row, b) => row.forEach((l, y) => expect(l).toBeCloseTo(withHead.logProbs[b]![y]!, 6)));
    expect(Math.max(...moved.looks[1]![2]!.map((a, r) => Math.abs(a - withHead.looks[1]![2]![r]!)))).toBeGreaterThan(1e-3);
    // Trained on the frozen decoder's queries, computed once: the head's weights of every step at once are the steps' own.
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, headed);
    const queries = visualQueries(w, ctx, t.inputs);
    const batched = tf.tidy(() => pointingWeights(w, t.regions, queries).arraySync());
    batched.forEach((rows, b) => rows.forEach((row, y) => row.forEach((v, r) => expect(v).toBeCloseTo(moved.looks[b]![y]![r]!, 6))));
    // Its loss: −log of its mass on study 0's region 2 at step 1 and study 1's regions 0 and 3 at step 0, averaged over those two tokens.
    const targets = ones([2, 4, 4], [[0, 1, 2], [1, 0, 0], [1, 0, 3]]);
    const loss = tf.tidy(() => pointingLoss(w, t.regions, queries, targets).dataSync()[0]!);
    const a = moved.looks;
    expect(loss).toBeCloseTo((-Math.log(a[0]![1]![2]! + 1e-8) - Math.log(a[1]![0]![0]! + a[1]![0]![3]! + 1e-8)) / 2, 5);
    disposeContext(ctx);
    tf.dispose([targets, ...Object.values(queries)]);
    expect(tf.memory().numTensors).toBe(before);
    // Decoding gives both: the head's as the heatmap, the reading attention beside it (the page's other view).
    tf.tidy(() => w['dec.att_pt.hidden']!.assign(tf.mul(w['dec.att_pt.hidden']!, -1 / 3))); // the head the first runs used
    const first = firstStep(w, headed);
    first.out.visualAttention.arraySync().forEach((row, b) => row.forEach((a, r) => expect(a).toBeCloseTo(withHead.looks[b]![0]![r]!, 6)));
    first.out.readingAttention!.arraySync().forEach((row, b) => row.forEach((a, r) => expect(a).toBeCloseTo(plain.looks[b]![0]![r]!, 6)));
    first.release();
    expect(tf.memory().numTensors).toBe(first.before);
    tf.dispose(Object.values(t));
    disposeWeights(w);
    disposeWeights(wc);
  });

  it("learns to copy the retrieved tokens: the loss falls and β rises", async () => {
    const w = initFusionDecoder(config, 2);
    const t = toyBatch();
    // Both studies show the same image, so only copying tells their first tokens (5 and 4) apart.
    const sameImage = tf.concat([tf.slice(t.regions, [0, 0, 0], [1, -1, -1]), tf.slice(t.regions, [0, 0, 0], [1, -1, -1])]) as tf.Tensor3D;
    const ctx = prepareContext(w, sameImage, t.ids, t.mask, t.segments, config);
    const loss = () => teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab);
    const meanBeta = () =>
      tf.tidy(() => {
        const out = step(w, ctx, tf.tensor1d([2, 2]), initialState(w, ctx));
        return out.beta.mean().dataSync()[0]!;
      });
    const first = loss().dataSync()[0]!;
    const betaBefore = meanBeta();
    const optimizer = tf.train.adam(0.03);
    for (let i = 0; i < 60; i++) tf.dispose(optimizer.minimize(loss, true)!);
    const last = loss().dataSync()[0]!;
    expect(last).toBeLessThan(first * 0.3);
    expect(meanBeta()).toBeGreaterThan(betaBefore);
    expect(Number.isFinite(last)).toBe(true);
    disposeContext(ctx);

    // Greedy and beam search on the first study alone write what it learned to copy; nothing leaks.
    const one = tf.tidy(() => ({ regions: tf.slice(t.regions, [0, 0, 0], [1, -1, -1]), ids: tf.slice(t.ids, [0, 0], [1, -1]), mask: tf.slice(t.mask, [0, 0], [1, -1]), segments: tf.slice(t.segments, [0, 0], [1, -1]) }));
    const single = prepareContext(w, one.regions as tf.Tensor3D, one.ids as tf.Tensor2D, one.mask as tf.Tensor2D, one.segments as tf.Tensor2D, config);
    const before = tf.memory().numTensors;
    const options = { bos: 2, eos: 11, maxLength: 4, beamSize: 1, lengthPenalty: 0 };
    const greedy = await decode(fusionStepper(w, single), options);
    expect(greedy.map((r) => r.id)).toEqual([5, 7, 9, 3]);
    expect(greedy[0]!.visualAttention).toHaveLength(4);
    expect(greedy[0]!.textAttention[4]).toBe(0);
    const beam = await decode(fusionStepper(w, single), { ...options, beamSize: 3, lengthPenalty: 0.7 });
    expect(beam.map((r) => r.id)).toEqual([5, 7, 9, 3]);
    expect((await decode(fusionStepper(w, single), options)).map((r) => r.id)).toEqual(greedy.map((r) => r.id)); // same input, same tokens
    expect(tf.memory().numTensors).toBe(before);
    disposeContext(single);
    disposeWeights(w);
  });

  it('supervised attention: the loss adds −log(mass on the named regions), and training moves the attention there', () => {
    const w = initFusionDecoder(config, 4);
    const t = toyBatch();
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, config);
    // Study 0's second and third tokens name region 2; study 1's first token names regions 0 and 3.
    const targets = ones([2, 4, 4], [[0, 1, 2], [0, 2, 2], [1, 0, 0], [1, 0, 3]]);
    const plain = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab);
    const supervised = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, { visual: { targets, weight: 0.5 } });
    // By hand: the visual attention of those three steps, from the same forward pass.
    const looks = unroll(w, ctx, t.inputs).map((o) => o.looks);
    const missed = (-Math.log(looks[1]![0]![2]! + 1e-8) - Math.log(looks[2]![0]![2]! + 1e-8) - Math.log(looks[0]![1]![0]! + looks[0]![1]![3]! + 1e-8)) / 3;
    expect(supervised.dataSync()[0]!).toBeCloseTo(plain.dataSync()[0]! + 0.5 * missed, 4);
    const optimizer = tf.train.adam(0.03);
    for (let i = 0; i < 40; i++) tf.dispose(optimizer.minimize(() => teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, { visual: { targets, weight: 1 } }), true)!);
    const after = tf.tidy(() => step(w, ctx, tf.tensor1d([2, 2]), initialState(w, ctx)).visualAttention.arraySync());
    expect(after[1]![0]! + after[1]![3]!).toBeGreaterThan(0.9);
    tf.dispose([plain, supervised, targets]);
    disposeContext(ctx);
    disposeWeights(w);
  });

  it('a detached visual query: the same losses, and the attention supervision reaches the query projection but not the LSTM', () => {
    const w = initFusionDecoder(config, 4);
    const t = toyBatch();
    const targets = ones([2, 4, 4], [[0, 1, 2], [0, 2, 2], [1, 0, 0], [1, 0, 3]]);
    /** The supervision term alone (supervised loss − plain loss), and the largest gradient it sends into two weights. */
    const supervision = (c: FusionDecoderConfig) => {
      const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, c);
      const { value, grads } = tf.variableGrads(() => tf.sub(teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, { visual: { targets, weight: 1 } }), teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab)) as tf.Scalar);
      const largest = (name: string) => tf.tidy(() => tf.max(tf.abs(grads[(w[name] as tf.Variable).name]!)).dataSync()[0]!);
      const out = { value: value.dataSync()[0]!, lstm: largest('dec.lstm.kernel'), query: largest('dec.att_img.hidden') };
      tf.dispose([value, ...Object.values(grads)]);
      disposeContext(ctx);
      return out;
    };
    const before = tf.memory().numTensors;
    const attached = supervision(config);
    const detached = supervision({ ...config, detachedVisualQuery: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(detached.value).toBeCloseTo(attached.value, 6);
    // The NLL's own LSTM gradient cancels in the difference up to float32 rounding.
    expect(attached.lstm).toBeGreaterThan(1e-4);
    expect(detached.lstm).toBeLessThan(1e-7);
    expect(detached.query).toBeGreaterThan(1e-4);
    tf.dispose([targets, ...Object.values(t)]);
    disposeWeights(w);
  });
});

describe('copy supervision and coverage', () => {
  it('the loss adds −log(text attention mass on the copy sources) and Σ min(a, c) by hand; the coverage sums the earlier attention', () => {
    const w = initFusionDecoder(config, 6);
    const t = toyBatch();
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, config);
    // Study 0's first target was copied from context token 1; study 1's third from tokens 2 and 3.
    const sources = ones([2, 4, 5], [[0, 0, 1], [1, 2, 2], [1, 2, 3]]);
    const plain = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab).dataSync()[0]!;
    const copied = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, { copy: { targets: sources, weight: 0.5 } }).dataSync()[0]!;
    const covered = teacherForcedLoss(w, ctx, t.inputs, t.targets, t.targetMask, config.vocab, { coverage: 2 }).dataSync()[0]!;
    const steps = unroll(w, ctx, t.inputs);
    // c_{y+1} = c_y + a_y
    for (const o of steps) o.coverageAfter.forEach((row, b) => row.forEach((v, j) => expect(v).toBeCloseTo(o.coverageBefore[b]![j]! + o.reads[b]![j]!, 5)));
    const reads = steps.map((o) => o.reads);
    const missed = (-Math.log(reads[0]![0]![1]! + 1e-8) - Math.log(reads[2]![1]![2]! + reads[2]![1]![3]! + 1e-8)) / 2;
    expect(copied).toBeCloseTo(plain + 0.5 * missed, 4);
    let overlap = 0;
    for (let b = 0; b < 2; b++) {
      const c = [0, 0, 0, 0, 0];
      for (let y = 0; y < 4; y++) {
        reads[y]![b]!.forEach((a, j) => {
          overlap += Math.min(a, c[j]!);
          c[j]! += a;
        });
      }
    }
    expect(covered).toBeCloseTo(plain + (2 * overlap) / 8, 4);
    tf.dispose(sources);
    disposeContext(ctx);
    disposeWeights(w);
  });
});

describe('intra-temporal attention', () => {
  it('each token\'s weight is exp(energy) / (1 + Σ past exp(energy)), renormalised; the first step is plain attention', () => {
    const temporal = { ...config, temporalAttention: true };
    const w = initFusionDecoder(temporal, 4);
    const t = toyBatch();
    const ctx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, temporal);
    const plainCtx = prepareContext(w, t.regions, t.ids, t.mask, t.segments, config);
    tf.tidy(() => {
      let s = initialState(w, ctx);
      const plainFirst = step(w, plainCtx, tf.tensor1d([2, 2]), initialState(w, plainCtx)).textAttention.arraySync();
      for (let y = 0; y < 4; y++) {
        const o = step(w, ctx, tf.squeeze(tf.slice(t.inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D, s);
        const [before, after, reads] = [s.pastEnergy!.arraySync(), o.state.pastEnergy!.arraySync(), o.textAttention.arraySync()];
        for (let b = 0; b < 2; b++) {
          // pastEnergy holds log(1 + Σ exp(energy)), so exp(after) − exp(before) = exp(energy of this step).
          const raw = after[b]!.map((p, j) => (Math.exp(p) - Math.exp(before[b]![j]!)) / Math.exp(before[b]![j]!) * t.mask.arraySync()[b]![j]!);
          const total = raw.reduce((x, v) => x + v, 0);
          raw.forEach((v, j) => expect(reads[b]![j]!).toBeCloseTo(v / total, 4));
          if (y === 0) reads[b]!.forEach((v, j) => expect(v).toBeCloseTo(plainFirst[b]![j]!, 5));
        }
        if (y > 0) expect(after[0]!.some((p, j) => p > before[0]![j]! + 1e-3)).toBe(true);
        s = o.state;
      }
    });
    disposeContext(ctx);
    disposeContext(plainCtx);
    disposeWeights(w);
  });
});

describe('text feeding', () => {
  it('without copying (β = 0) the generated distribution depends on the context tokens only with text feeding', () => {
    const probsFor = (textFeeding: boolean, otherIds: boolean) =>
      tf.tidy(() => {
        const c = { ...config, textFeeding, fixedBeta: 0 };
        const w = initFusionDecoder(c, 9);
        const t = toyBatch();
        const ids = otherIds ? tf.tensor2d([[6, 6, 9, 1, 0], [3, 3, 8, 7, 0]]) : t.ids;
        const ctx = prepareContext(w, t.regions, ids, t.mask, t.segments, c);
        const s0 = initialState(w, ctx);
        const first = step(w, ctx, tf.tensor1d([2, 2]), s0);
        const second = step(w, ctx, tf.tensor1d([5, 4]), first.state); // e₁ from step one now feeds the LSTM
        const out = Array.from(second.probs.dataSync());
        disposeWeights(w);
        return out;
      });
    const differs = (a: number[], b: number[]) => a.some((v, i) => Math.abs(v - b[i]!) > 1e-6);
    expect(differs(probsFor(true, false), probsFor(true, true))).toBe(true);
    expect(differs(probsFor(false, false), probsFor(false, true))).toBe(false);
  });
});

describe('sentence attention', () => {
  // Context: one passage token, then the input text 5 7 。 | 4 6 8 。 | 9 (a last sentence without its end), padding.
  const END = 11;
  const sentences = { endId: END, maxSentences: 4 };
  const withSentences = { ...config, vocab: 12, contextEncoder: { dilations: [1, 2], maxLength: 10 }, sentenceAttention: sentences };
  const row = [3, 5, 7, END, 4, 6, 8, END, 9];
  const ids = () => tf.tensor2d([[...row, 0]], undefined, 'int32');
  const members = () => sentenceMembership([{ ids: row, inputStart: 1 }], 10, sentences);
  const mask = () => tf.tensor2d([[1, 1, 1, 1, 1, 1, 1, 1, 1, 0]]);

  it('membership: a sentence runs up to and with its end token, counted from the input text; passages, padding and sentences past the last attended are in none', () => {
    tf.tidy(() => {
      const m = members().arraySync()[0]!;
      expect(m).toEqual([
        [0, 1, 1, 1, 0, 0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1, 1, 1, 1, 0, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 1, 0],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      ]);
      const two = sentenceMembership([{ ids: row, inputStart: 1 }], 10, { endId: END, maxSentences: 2 }).arraySync()[0]!;
      expect(two).toEqual(m.slice(0, 2));
    });
  });

  it('each step weighs the sentences the row has; a token\'s text energy gains w_s × its sentence\'s weight; nothing leaks', () => {
    const w = initFusionDecoder(withSentences, 3);
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 2) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const before = tf.memory().numTensors;
    const ctx = prepareContext(w, regions, i, m, seg, withSentences, sm);
    // The sentence mask: 1 for the row's three sentences (what WebGPU does with it is the e2e tests' job).
    expect(ctx.sentences!.mask.arraySync()).toEqual([[1, 1, 1, 0]]);
    tf.tidy(() => {
      const s0 = initialState(w, ctx);
      const out = step(w, ctx, tf.tensor1d([2]), s0);
      const picks = out.sentenceAttention!.arraySync()[0]!;
      expect(picks[3]).toBe(0); // the row has three sentences
      expect(picks.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
      expect(out.state.sentenceCoverage!.arraySync()[0]).toEqual(picks);
      tf.sum(out.probs).dataSync().forEach((v) => expect(v).toBeCloseTo(1, 5));
      // The text attention with w_s against w_s = 0: the ratio of a token's weights is exp(w_s × its sentence's weight), up to one constant.
      const reads = out.textAttention.arraySync()[0]!;
      w['dec.att_txt.sentence']!.assign(tf.zeros([1]));
      const plain = step(w, ctx, tf.tensor1d([2]), s0).textAttention.arraySync()[0]!;
      w['dec.att_txt.sentence']!.assign(tf.ones([1]));
      const sentenceOf = [-1, 0, 0, 0, 1, 1, 1, 1, 2];
      const ratio = (j: number) => reads[j]! / plain[j]! / Math.exp(sentenceOf[j]! < 0 ? 0 : picks[sentenceOf[j]!]!);
      for (let j = 1; j < 9; j++) expect(ratio(j)).toBeCloseTo(ratio(0), 4);
      // The attended sentence's mean token feeds the next step, and the coverage adds up.
      const next = step(w, ctx, tf.tensor1d([5]), out.state);
      const cover = next.state.sentenceCoverage!.arraySync()[0]!;
      cover.forEach((c, k) => expect(c).toBeCloseTo(picks[k]! + next.sentenceAttention!.arraySync()[0]![k]!, 5));
      const features = ctx.sentences!.features.arraySync()[0]!;
      const tokens = ctx.tokens.arraySync()[0]!;
      features[1]!.forEach((f, d) => expect(f).toBeCloseTo((tokens[4]![d]! + tokens[5]![d]! + tokens[6]![d]! + tokens[7]![d]!) / 4, 5));
    });
    disposeContext(ctx);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([regions, i, m, seg, sm]);
    disposeWeights(w);
  });

  it('the loss adds λ·−log(sentence attention on each token\'s target sentence); training moves the attention there', () => {
    const w = initFusionDecoder(withSentences, 5);
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 2) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const inputs = tf.tensor2d([[2, 4, 6]]);
    const targets = tf.tensor2d([[4, 6, 3]]);
    const targetMask = tf.ones([1, 3]) as tf.Tensor2D;
    // The first two tokens restate sentence 1, EOS none.
    const picksTarget = ones([1, 3, 4], [[0, 0, 1], [0, 1, 1]]);
    const lossOf = (supervised: boolean) =>
      tf.tidy(() => {
        const ctx = prepareContext(w, regions, i, m, seg, withSentences, sm);
        const l = teacherForcedLoss(w, ctx, inputs, targets, targetMask, 12, supervised ? { sentence: { targets: picksTarget, weight: 2 } } : {});
        disposeContext(ctx);
        return l;
      });
    const pickedMass = () =>
      tf.tidy(() => {
        const ctx = prepareContext(w, regions, i, m, seg, withSentences, sm);
        const s = step(w, ctx, tf.tensor1d([2]), initialState(w, ctx));
        const v = s.sentenceAttention!.arraySync()[0]![1]!;
        disposeContext(ctx);
        return v;
      });
    const expected = tf.tidy(() => {
      const ctx = prepareContext(w, regions, i, m, seg, withSentences, sm);
      let s = initialState(w, ctx);
      let sum = 0;
      for (const prev of [2, 4]) {
        const o = step(w, ctx, tf.tensor1d([prev]), s);
        sum += -Math.log(o.sentenceAttention!.arraySync()[0]![1]! + 1e-8);
        s = o.state;
      }
      disposeContext(ctx);
      return (2 * sum) / 2;
    });
    expect(lossOf(true).dataSync()[0]! - lossOf(false).dataSync()[0]!).toBeCloseTo(expected, 4);
    const start = pickedMass();
    const optimizer = tf.train.adam(0.05);
    for (let k = 0; k < 30; k++) optimizer.minimize(() => lossOf(true), false, Object.values(w));
    expect(pickedMass()).toBeGreaterThan(Math.max(0.8, start));
    optimizer.dispose();
    tf.dispose([regions, i, m, seg, sm, inputs, targets, targetMask, picksTarget]);
    disposeWeights(w);
  });

  it('guided vision: the visual query is W_h h + W_q q (the sentence attended at the previous step); the deep output reads the visual context', () => {
    const guided = { ...withSentences, sentenceGuidedVision: true, visualOutput: true, fixedBeta: 0 };
    const w = initFusionDecoder(guided, 7);
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 4) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const before = tf.memory().numTensors;
    const ctx = prepareContext(w, regions, i, m, seg, guided, sm);
    tf.tidy(() => {
      const s0 = initialState(w, ctx);
      const out = step(w, ctx, tf.tensor1d([2]), s0);
      // By hand: softmax over regions of key_r · (h W_h + q W_q) / √A.
      const keys = ctx.regionKeys.arraySync()[0]!;
      const query = (tf.add(tf.matMul(s0.h, w['dec.att_img.hidden'] as tf.Tensor2D), tf.matMul(s0.sentence!, w['dec.att_img.sentence'] as tf.Tensor2D)) as tf.Tensor2D).arraySync()[0]!;
      const energy = keys.map((k) => k.reduce((a, v, d) => a + v * query[d]!, 0) / Math.sqrt(8));
      const z = energy.map((e) => Math.exp(e - Math.max(...energy)));
      const looks = out.visualAttention.arraySync()[0]!;
      looks.forEach((a, r) => expect(a).toBeCloseTo(z[r]! / z.reduce((x, y) => x + y, 0), 5));
      // Deep output, β = 0 (no text feeding here): p = softmax([h; q; v] W_o + b_o) with v = Σ_r a_r · region_r (position included).
      const v = tf.matMul(out.visualAttention, ctx.regions.squeeze([0]) as tf.Tensor2D);
      const logits = tf.add(tf.matMul(tf.concat([out.state.h, out.state.sentence!, v], 1), w['dec.out.kernel'] as tf.Tensor2D), w['dec.out.bias']!);
      const probs = out.probs.arraySync()[0]!;
      (tf.softmax(logits).arraySync() as number[][])[0]!.forEach((p, k) => expect(probs[k]).toBeCloseTo(p, 5));
    });
    disposeContext(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => prepareContext(w, regions, i, m, seg, { ...config, sentenceGuidedVision: true })).toThrow(/need the sentence attention/);
    // A guided pointing head reads the sentence too: its weights from the queries computed once are the steps' own.
    const headed = { ...guided, keyOnlyFeatures: 2, pointingAttention: true, pointingHead: true };
    const wh = initFusionDecoder(headed, 7);
    const hctx = prepareContext(wh, regions, i, m, seg, headed, sm);
    tf.tidy(() => {
      const inputs = tf.tensor2d([[2, 5, 7]]);
      const looks = tokenLogProbs(wh, hctx, inputs, tf.tensor2d([[5, 7, 9]]), config.vocab).looks.arraySync();
      const q = visualQueries(wh, hctx, inputs);
      expect(q.sentence!.shape).toEqual([1, 3, config.tokenDim]);
      pointingWeights(wh, regions, q).arraySync().forEach((rows, b) => rows.forEach((row, y) => row.forEach((v, r) => expect(v).toBeCloseTo(looks[b]![y]![r]!, 6))));
    });
    disposeContext(hctx);
    tf.dispose([regions, i, m, seg, sm]);
    disposeWeights(w);
    disposeWeights(wh);
  });

  // After one step each sentence's coverage is about ⅓: κ = 2 (`remainingReadAt`) leaves every (1 − c/κ)₊ at about ⅚, κ = 0.25 sends all to 0.
  it.each([1, 2, 0.25])('remaining sentences, κ = %s: r = [Σ m·σ(sal)·(1 − c/κ)₊, Σ m·σ(sal)·(1 − c/κ)₊·f] feeds the output; the salience loss is the masked cross-entropy against "restated"', (readAt) => {
    const left = { ...withSentences, remainingSentences: true, fixedBeta: 0, ...(readAt === 1 ? {} : { remainingReadAt: readAt }) };
    const w = initFusionDecoder(left, 9);
    w['dec.sent_salience.bias']!.assign(tf.tensor1d([0.3]));
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 4) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const before = tf.memory().numTensors;
    const ctx = prepareContext(w, regions, i, m, seg, left, sm);
    tf.tidy(() => {
      const features = ctx.sentences!.features.arraySync()[0]!;
      const kernel = (w['dec.sent_salience.kernel'] as tf.Tensor2D).arraySync().map((r) => r[0]!);
      const sal = features.map((f) => 1 / (1 + Math.exp(-(f.reduce((a, v, d) => a + v * kernel[d]!, 0) + 0.3))));
      const maskRow = [1, 1, 1, 0];
      const s0 = initialState(w, ctx);
      const out = step(w, ctx, tf.tensor1d([2]), s0);
      // The output reads r from the coverage after this step's sentence attention.
      const cover = out.state.sentenceCoverage!.arraySync()[0]!;
      const weight = sal.map((v, k) => maskRow[k]! * v * Math.max(0, 1 - cover[k]! / readAt));
      const r = [weight.reduce((a, v) => a + v, 0), ...features[0]!.map((_, d) => weight.reduce((a, v, k) => a + v * features[k]![d]!, 0))];
      const logits = tf.add(tf.matMul(tf.concat([out.state.h, out.state.sentence!, tf.tensor2d([r])], 1), w['dec.out.kernel'] as tf.Tensor2D), w['dec.out.bias']!);
      const probs = out.probs.arraySync()[0]!;
      (tf.softmax(logits).arraySync() as number[][])[0]!.forEach((p, k) => expect(probs[k]).toBeCloseTo(p, 5));
      // The salience loss alone: teacher-forced losses with and without the sentence supervision differ by
      // λ × (its attention term + the salience term); the latter by hand, sentence 1 restated, 0 and 2 not.
      const inputs = tf.tensor2d([[2, 4]]);
      const targets = tf.tensor2d([[4, 3]]);
      const picks = ones([1, 2, 4], [[0, 0, 1]]);
      const withSup = teacherForcedLoss(w, ctx, inputs, targets, tf.ones([1, 2]) as tf.Tensor2D, 12, { sentence: { targets: picks, weight: 1 } }).dataSync()[0]!;
      const without = teacherForcedLoss(w, ctx, inputs, targets, tf.ones([1, 2]) as tf.Tensor2D, 12).dataSync()[0]!;
      const attended = -Math.log(out.sentenceAttention!.arraySync()[0]![1]! + 1e-8);
      const ce = [0, 1, 2].map((k) => -(k === 1 ? Math.log(sal[k]!) : Math.log(1 - sal[k]!))).reduce((a, v) => a + v, 0) / 3;
      expect(withSup - without).toBeCloseTo(attended + ce, 4);
    });
    disposeContext(ctx);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([regions, i, m, seg, sm]);
    disposeWeights(w);
  });

  it('salient sentences: the row\'s sentences with σ(salience) > 0.5, masked; none for a decoder without salience', async () => {
    const left = { ...withSentences, remainingSentences: true };
    const w = initFusionDecoder(left, 9);
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 4) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const flags: boolean[][] = [];
    for (const bias of [-30, 30]) {
      w['dec.sent_salience.bias']!.assign(tf.tensor1d([bias]));
      const ctx = prepareContext(w, regions, i, m, seg, left, sm);
      flags.push(await salientSentences(ctx));
      disposeContext(ctx);
    }
    // The row has 3 sentences of the 4 slots (mask [1, 1, 1, 0]).
    expect(flags).toEqual([[false, false, false, false], [true, true, true, false]]);
    const plain = initFusionDecoder(withSentences, 9);
    const ctx = prepareContext(plain, regions, i, m, seg, withSentences, sm);
    expect(await salientSentences(ctx)).toEqual([false, false, false, false]);
    disposeContext(ctx);
    tf.dispose([regions, i, m, seg, sm]);
    disposeWeights(w);
    disposeWeights(plain);
  });

  it('sentence product: a token\'s text weight is multiplied by (its sentence\'s weight + ε)^{w_s}; tokens in no sentence by 1', () => {
    const product = { ...withSentences, sentenceProduct: true };
    const w = initFusionDecoder(product, 3);
    w['dec.att_txt.sentence']!.assign(tf.tensor1d([1.5]));
    const regions = tf.randomNormal([1, 4, 6], 0, 1, 'float32', 2) as tf.Tensor3D;
    const [i, m, seg, sm] = [ids(), mask(), contextSegments([1], 10), members()];
    const ctx = prepareContext(w, regions, i, m, seg, product, sm);
    tf.tidy(() => {
      const s0 = initialState(w, ctx);
      const out = step(w, ctx, tf.tensor1d([2]), s0);
      const picks = out.sentenceAttention!.arraySync()[0]!;
      const reads = out.textAttention.arraySync()[0]!;
      w['dec.att_txt.sentence']!.assign(tf.zeros([1]));
      const plain = step(w, ctx, tf.tensor1d([2]), s0).textAttention.arraySync()[0]!;
      const sentenceOf = [-1, 0, 0, 0, 1, 1, 1, 1, 2];
      const ratio = (j: number) => reads[j]! / plain[j]! / (sentenceOf[j]! < 0 ? 1 : (picks[sentenceOf[j]!]! + 1e-8) ** 1.5);
      for (let j = 1; j < 9; j++) expect(ratio(j) / ratio(0)).toBeCloseTo(1, 4);
    });
    disposeContext(ctx);
    tf.dispose([regions, i, m, seg, sm]);
    disposeWeights(w);
  });
});
