/**
 * Decoding with a model's shared step: greedy and beam search (size, length penalty, maximum length).
 * Each generated token comes with its β (the fusion decoder's; null for a model without one), its
 * attention over image regions and over the context tokens — what the page shows per token.
 *
 * Asynchronous: values are read with `await data()` (WebGPU has no synchronous read), which also lets a
 * worker see a cancel message between steps. Greedy decoding reports each token as it is chosen.
 */
import * as tf from '@tensorflow/tfjs';
import { initialState, step, type DecoderContext } from './models/fusionDecoder.ts';
import type { Weights } from './models/weights.ts';

/** A decoder's recurrent state: any named tensors, one row per sequence. */
export type StepState = Record<string, tf.Tensor>;

/** What a step gives besides its new state: the next-token distribution and what the page shows. */
export type StepTensors = { probs: tf.Tensor2D; visualAttention: tf.Tensor2D; textAttention: tf.Tensor2D; beta?: tf.Tensor1D; sentenceAttention?: tf.Tensor2D; readingAttention?: tf.Tensor2D };

/** One decoding step of one sequence: the next-token distribution [1, V] and what the page shows. */
export interface Stepper<S extends StepState> {
  initial(): S;
  step(prev: tf.Tensor1D, state: S): StepTensors & { state: S };
}

/** A step's tensors other than its state, for the caller to free once read. */
export function stepTensors(out: StepTensors): tf.Tensor[] {
  return [out.probs, out.visualAttention, out.textAttention, ...(out.beta ? [out.beta] : []), ...(out.sentenceAttention ? [out.sentenceAttention] : []), ...(out.readingAttention ? [out.readingAttention] : [])];
}

/** The fusion decoder as a stepper over one prepared context. */
export function fusionStepper(w: Weights, ctx: DecoderContext): Stepper<ReturnType<typeof initialState>> {
  return { initial: () => initialState(w, ctx), step: (prev, state) => step(w, ctx, prev, state) };
}

export interface TokenRecord {
  id: number;
  /** The fusion gate β (eq. 16); null for a model without one (the generative model). */
  beta: number | null;
  /** Attention over image regions (sums to 1); with a pointing attention, the pointing one. */
  visualAttention: Float32Array;
  /** With a pointing attention: the attention the decoder reads the image through (v_y), over the same regions. */
  readingAttention?: Float32Array;
  /** Attention over the context tokens (retrieved passages, then the input text; sums to 1). */
  textAttention: Float32Array;
  /** With sentence attention: its weights over the input text's sentences (`sentenceSpans`), then none-such padding. */
  sentenceAttention?: Float32Array;
  logProb: number;
}

export interface DecodeOptions {
  bos: number;
  eos: number;
  maxLength: number;
  /** 1 = greedy. */
  beamSize: number;
  /** Scores are divided by length^α (α = 0: no penalty). */
  lengthPenalty: number;
  /** Called with each final token as soon as it is known (greedy: every step; beam: at the end). */
  onToken?: (record: TokenRecord, index: number) => void;
  /** Beam search: called after each step with the number of steps done, while no token is final yet. */
  onStep?: (steps: number) => void;
  /** Checked between steps; decoding stops with an AbortError when it is aborted. */
  signal?: AbortSignal;
  /**
   * Reshapes the next-token probabilities after a sequence's tokens so far (without BOS), given what the
   * step attended to (its sentence attention, its visual attention): a token given 0 is never chosen (the end is, if nothing else
   * is left); the others are chosen and scored by what it returns.
   */
  constrain?: (prefix: readonly number[], probs: Float32Array, attended: { sentenceAttention?: Float32Array; visualAttention?: Float32Array }) => Float32Array;
}

/** The probabilities with every token that `allowed` refuses set to 0; the others keep the model's own. */
export function keepAllowed(probs: Float32Array, allowed: (id: number) => boolean): Float32Array {
  return probs.map((p, id) => (allowed(id) ? p : 0));
}

interface Beam<S extends StepState> {
  tokens: TokenRecord[];
  logProb: number;
  state: S;
  done: boolean;
}

const score = (b: Beam<StepState>, alpha: number) => b.logProb / Math.max(1, b.tokens.length) ** alpha;

/** Decodes one study (batch of 1 in the stepper). The returned tokens exclude BOS and EOS. */
export async function decode<S extends StepState>(model: Stepper<S>, options: DecodeOptions): Promise<TokenRecord[]> {
  let beams: Beam<S>[] = [{ tokens: [], logProb: 0, state: model.initial(), done: false }];
  const freeAll = () => {
    for (const b of beams) tf.dispose(Object.values(b.state));
  };
  for (let t = 0; t < options.maxLength && beams.some((b) => !b.done); t++) {
    if (options.signal?.aborted) {
      freeAll();
      throw new DOMException('decoding cancelled', 'AbortError');
    }
    const candidates: Beam<S>[] = [];
    for (const beam of beams) {
      if (beam.done) {
        candidates.push(beam);
        continue;
      }
      const prev = tf.tensor1d([beam.tokens.length ? beam.tokens[beam.tokens.length - 1]!.id : options.bos]);
      const out = model.step(prev, beam.state);
      const [modelProbs, visual, text, betas, sentences, reading] = (await Promise.all([out.probs.data(), out.visualAttention.data(), out.textAttention.data(), out.beta?.data(), out.sentenceAttention?.data(), out.readingAttention?.data()])) as [Float32Array, Float32Array, Float32Array, Float32Array | undefined, Float32Array | undefined, Float32Array | undefined];
      const beta = betas ? betas[0]! : null;
      tf.dispose([prev, ...stepTensors(out)]);
      // The k most probable allowed continuations of this beam.
      const probs = options.constrain?.(beam.tokens.map((r) => r.id), modelProbs, { visualAttention: visual, ...(sentences ? { sentenceAttention: sentences } : {}) }) ?? modelProbs;
      const order = Array.from(probs.keys()).filter((id) => !options.constrain || probs[id]! > 0).sort((a, b) => probs[b]! - probs[a]!).slice(0, options.beamSize);
      if (order.length === 0) order.push(options.eos);
      for (const id of order) {
        const logProb = Math.log(probs[id]! + 1e-12);
        const record: TokenRecord = { id, beta, visualAttention: visual, ...(reading ? { readingAttention: reading } : {}), textAttention: text, ...(sentences ? { sentenceAttention: sentences } : {}), logProb };
        const done = id === options.eos;
        candidates.push({ tokens: done ? beam.tokens : [...beam.tokens, record], logProb: beam.logProb + logProb, state: out.state, done });
      }
    }
    candidates.sort((a, b) => score(b, options.lengthPenalty) - score(a, options.lengthPenalty));
    const kept = candidates.slice(0, options.beamSize);
    // Free the states no surviving beam uses.
    const alive = new Set(kept.flatMap((b) => Object.values(b.state)));
    for (const b of [...beams, ...candidates]) for (const s of Object.values(b.state)) if (!alive.has(s) && !s.isDisposed) s.dispose();
    beams = kept;
    const only = beams[0]!;
    if (options.beamSize === 1 && !only.done) options.onToken?.(only.tokens[only.tokens.length - 1]!, only.tokens.length - 1);
    else if (options.beamSize > 1) options.onStep?.(t + 1);
  }
  const best = beams.sort((a, b) => score(b, options.lengthPenalty) - score(a, options.lengthPenalty))[0]!;
  freeAll();
  if (options.beamSize > 1) best.tokens.forEach((r, i) => options.onToken?.(r, i));
  return best.tokens;
}
