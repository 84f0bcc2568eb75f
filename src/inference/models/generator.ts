/**
 * LFMGAN's generator (paper A §2): a GPT-2-style decoder that writes the summary token by token, with
 * cross-attention to the image regions and to the input text.
 *
 *   memory  = LN([W_r · regions + P_r ;  TextEncoder(E[text] + P_t)])      [B, R + T, D]
 *   h⁰      = E[x_{<y}] + P[y]                                             [B, L, D]
 *   per block:  h ← h + SelfAttn_causal(LN₁ h)
 *               h ← h + CrossAttn(LN₂ h, memory)
 *               h ← h + MLP(LN₃ h)
 *   p(x_y)  = softmax(LN_f(h) · Eᵀ + b)                                    tied input/output embedding
 *
 * Dropout (training only) follows each sub-layer and the embeddings, as in GPT-2. The last block's
 * cross-attention, averaged over heads, is what the page shows per token: its share on the regions
 * (renormalised) is the heatmap, its share on the text the highlighted words. There is no fusion gate.
 *
 * Training runs the whole sequence at once (`generatorLogits`); decoding runs one token at a time with the
 * self-attention keys and values of earlier tokens cached (`generatorStepper`). A unit test checks the two agree.
 */
import * as tf from '@tensorflow/tfjs';
import type { Stepper } from '../decode.ts';
import { dense, embed } from './ops.ts';
import { noDropout, type Dropout } from './dropout.ts';
import { attendTo, attentionBias, initAttention, initLayerNorm, initMlp, initTransformerBlock, keysValues, layerNorm, mlp, transformerBlock, transformerBlockFlops } from './transformer.ts';
import { WeightBuilder, type Weights } from './weights.ts';

export interface GeneratorConfig {
  vocab: number;
  /** Model width D (GPT-2 small: 768; here small enough to train on two cores). */
  width: number;
  layers: number;
  heads: number;
  /** Hidden size of each block's MLP. */
  mlp: number;
  /** Encoder blocks over the input text before it becomes memory. */
  textLayers: number;
  /** Longest summary in tokens, BOS included (the position table's size). */
  maxSummary: number;
  /** Longest input text in tokens. */
  maxText: number;
  /** Feature size and number of the image regions (the image encoder's output). */
  regionDim: number;
  regions: number;
  /** Dropout rate while training. */
  dropout: number;
}

export function initGenerator(c: GeneratorConfig, seed: number): Weights {
  const b = new WeightBuilder(seed);
  b.kernel('gen.embed', [c.vocab, c.width]);
  b.kernel('gen.position', [c.maxSummary, c.width]);
  b.kernel('gen.text.position', [c.maxText, c.width]);
  const block = { width: c.width, heads: c.heads, mlp: c.mlp };
  for (let i = 0; i < c.textLayers; i++) initTransformerBlock(b, `gen.text.block${i}`, block);
  b.kernel('gen.region.kernel', [c.regionDim, c.width]);
  b.zeros('gen.region.bias', [c.width]);
  b.kernel('gen.region.position', [c.regions, c.width]);
  initLayerNorm(b, 'gen.memory.ln', c.width);
  for (let i = 0; i < c.layers; i++) {
    initLayerNorm(b, `gen.block${i}.ln1`, c.width);
    initAttention(b, `gen.block${i}.self`, c.width);
    initLayerNorm(b, `gen.block${i}.ln2`, c.width);
    initAttention(b, `gen.block${i}.cross`, c.width);
    initLayerNorm(b, `gen.block${i}.ln3`, c.width);
    initMlp(b, `gen.block${i}.mlp`, block);
  }
  initLayerNorm(b, 'gen.ln_f', c.width);
  b.zeros('gen.out.bias', [c.vocab]);
  return b.weights;
}

/** What every step attends to, computed once per summary: the memory's keys and values per block, and its mask. */
export type GeneratorMemory = {
  /** Per block: keys and values [B, H, R + T, d] of the cross-attention. */
  kv: { k: tf.Tensor4D; v: tf.Tensor4D }[];
  bias: tf.Tensor4D; // [B, 1, 1, R + T]
  regions: number;
};

/** regions [B, R, regionDim], text ids and mask [B, T] → the memory every block cross-attends to. */
export function generatorMemory(w: Weights, c: GeneratorConfig, regions: tf.Tensor3D, textIds: tf.Tensor2D, textMask: tf.Tensor2D, dropout: Dropout = noDropout): GeneratorMemory {
  return tf.tidy(() => {
    const [, t] = textIds.shape;
    if (t > c.maxText) throw new Error(`input text of ${t} tokens is longer than the generator's ${c.maxText}`);
    const image = tf.add(dense(w, 'gen.region', regions), w['gen.region.position']!) as tf.Tensor3D; // [B, R, D]
    let text = dropout(tf.add(embed(w['gen.embed'] as tf.Tensor2D, textIds), tf.slice(w['gen.text.position']!, [0, 0], [t, -1]))) as tf.Tensor3D; // [B, T, D]
    const textBias = attentionBias(textMask, false);
    for (let i = 0; i < c.textLayers; i++) text = transformerBlock(w, `gen.text.block${i}`, text, textMask, textBias, c.heads);
    const memory = layerNorm(w, 'gen.memory.ln', tf.concat([image, text], 1)) as tf.Tensor3D; // [B, R + T, D]
    const mask = tf.concat([tf.ones([textMask.shape[0], image.shape[1]]), textMask], 1) as tf.Tensor2D; // [B, R + T]
    return { kv: Array.from({ length: c.layers }, (_, i) => keysValues(w, `gen.block${i}.cross`, memory, c.heads)), bias: attentionBias(mask, false), regions: image.shape[1] };
  });
}

export function disposeMemory(m: GeneratorMemory): void {
  tf.dispose([...m.kv.flatMap((kv) => [kv.k, kv.v]), m.bias]);
}

/** Output layer: LN_f, then the tied embedding. h [..., D] → logits [..., V]. */
function outputLogits(w: Weights, h: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const normed = layerNorm(w, 'gen.ln_f', h);
    const flat = tf.reshape(normed, [-1, normed.shape[normed.rank - 1]!]) as tf.Tensor2D;
    const logits = tf.add(tf.matMul(flat, tf.transpose(w['gen.embed'] as tf.Tensor2D)), w['gen.out.bias']!);
    return tf.reshape(logits, [...h.shape.slice(0, -1), -1]);
  });
}

/** Mean over heads of cross-attention weights [B, H, L, R + T] → [B, L, R + T]. */
const headMean = (weights: tf.Tensor4D) => tf.mean(weights, 1) as tf.Tensor3D;

/**
 * Teacher-forced pass over inputs [B, L] (BOS, then the summary without its last token): logits [B, L, V]
 * and the last block's cross-attention [B, L, R + T].
 */
export function generatorLogits(w: Weights, c: GeneratorConfig, memory: GeneratorMemory, inputs: tf.Tensor2D, dropout: Dropout = noDropout): { logits: tf.Tensor3D; cross: tf.Tensor3D } {
  return tf.tidy(() => {
    const [b, l] = inputs.shape;
    if (l > c.maxSummary) throw new Error(`summary of ${l} tokens is longer than the generator's ${c.maxSummary}`);
    let h = dropout(tf.add(embed(w['gen.embed'] as tf.Tensor2D, inputs), tf.slice(w['gen.position']!, [0, 0], [l, -1]))) as tf.Tensor3D; // [B, L, D]
    const causal = attentionBias(tf.ones([b, l]) as tf.Tensor2D, true); // [B, 1, L, L]
    let cross: tf.Tensor4D | undefined;
    for (let i = 0; i < c.layers; i++) {
      const name = `gen.block${i}`;
      const normed = layerNorm(w, `${name}.ln1`, h) as tf.Tensor3D;
      h = tf.add(h, dropout(attendTo(w, `${name}.self`, normed, keysValues(w, `${name}.self`, normed, c.heads), causal).out)) as tf.Tensor3D;
      const attended = attendTo(w, `${name}.cross`, layerNorm(w, `${name}.ln2`, h) as tf.Tensor3D, memory.kv[i]!, memory.bias);
      h = tf.add(h, dropout(attended.out)) as tf.Tensor3D;
      h = tf.add(h, dropout(mlp(w, `${name}.mlp`, layerNorm(w, `${name}.ln3`, h)))) as tf.Tensor3D;
      cross = attended.weights;
    }
    return { logits: outputLogits(w, h) as tf.Tensor3D, cross: headMean(cross!) };
  });
}

/** Splits attention over the memory [.., R + T] into its image part and its text part, each renormalised to sum 1. */
export function splitMemoryAttention(weights: tf.Tensor2D, regions: number): { visual: tf.Tensor2D; text: tf.Tensor2D } {
  return tf.tidy(() => {
    const renorm = (x: tf.Tensor2D) => tf.div(x, tf.maximum(tf.sum(x, 1, true), 1e-12)) as tf.Tensor2D;
    const [, s] = weights.shape;
    return { visual: renorm(tf.slice(weights, [0, 0], [-1, regions])), text: renorm(tf.slice(weights, [0, regions], [-1, s - regions])) };
  });
}

/** Cached self-attention keys and values of the tokens so far, per block ("k0", "v0", …; empty before the first step). */
export type GeneratorState = Record<string, tf.Tensor4D>;

/** One token at a time with cached keys and values: the generator as a stepper for greedy and beam search. */
export function generatorStepper(w: Weights, c: GeneratorConfig, memory: GeneratorMemory): Stepper<GeneratorState> {
  return {
    initial: () => ({}),
    step: (prev, state) =>
      tf.tidy(() => {
        const t = state.k0 ? state.k0.shape[2] : 0; // tokens already decoded
        let h = tf.add(embed(w['gen.embed'] as tf.Tensor2D, tf.expandDims(prev, 1)), tf.slice(w['gen.position']!, [t, 0], [1, -1])) as tf.Tensor3D; // [B, 1, D]
        const next: GeneratorState = {};
        let cross: tf.Tensor4D | undefined;
        for (let i = 0; i < c.layers; i++) {
          const name = `gen.block${i}`;
          const normed = layerNorm(w, `${name}.ln1`, h) as tf.Tensor3D;
          const fresh = keysValues(w, `${name}.self`, normed, c.heads); // [B, H, 1, d]
          next[`k${i}`] = state[`k${i}`] ? (tf.concat([state[`k${i}`]!, fresh.k], 2) as tf.Tensor4D) : fresh.k;
          next[`v${i}`] = state[`v${i}`] ? (tf.concat([state[`v${i}`]!, fresh.v], 2) as tf.Tensor4D) : fresh.v;
          const noMask = tf.zeros([1, 1, 1, t + 1]) as tf.Tensor4D; // every earlier token is visible
          h = tf.add(h, attendTo(w, `${name}.self`, normed, { k: next[`k${i}`]!, v: next[`v${i}`]! }, noMask).out) as tf.Tensor3D;
          const attended = attendTo(w, `${name}.cross`, layerNorm(w, `${name}.ln2`, h) as tf.Tensor3D, memory.kv[i]!, memory.bias);
          h = tf.add(h, attended.out) as tf.Tensor3D;
          h = tf.add(h, mlp(w, `${name}.mlp`, layerNorm(w, `${name}.ln3`, h))) as tf.Tensor3D;
          cross = attended.weights;
        }
        const probs = tf.softmax(tf.squeeze(outputLogits(w, h), [1])) as tf.Tensor2D; // [B, V]
        const { visual, text } = splitMemoryAttention(tf.squeeze(headMean(cross!), [1]) as tf.Tensor2D, memory.regions);
        return { probs, state: next, visualAttention: visual, textAttention: text };
      }),
  };
}

/** FLOPs of one summary: the memory once, then `steps` cached decoding steps. */
export function generatorFlops(c: GeneratorConfig, textTokens: number, steps: number): number {
  const block = { width: c.width, heads: c.heads, mlp: c.mlp };
  const memory = c.textLayers * transformerBlockFlops(block, textTokens) + 2 * c.regions * c.regionDim * c.width + c.layers * 2 * (c.regions + textTokens) * 2 * c.width * c.width;
  const perStep = (t: number) => 2 * c.layers * (4 * c.width * c.width + 2 * c.width * c.width + 2 * c.width * c.mlp + 2 * t * c.width + 2 * (c.regions + textTokens) * c.width) + 2 * c.width * c.vocab;
  let total = memory;
  for (let t = 1; t <= steps; t++) total += perStep(t);
  return total;
}
