/**
 * The fusion decoder (paper A §3, eq. 12–18): an LSTM with soft attention over image regions, attention
 * over the tokens of the retrieved passages and the input text, and the adaptive gate β that mixes the
 * generated word distribution with a copy distribution over those tokens.
 *
 *   v_y = ATT(g_{y−1}, regions)                          visual context            (eq. 12)
 *   g_y = LSTM([emb(x_{y−1}); v_y; e_{y−1}], g_{y−1})                               (eq. 13)
 *   (a_y, e_y) = ATT(g_y, retrieved tokens, c_y)         text attention, context   (eq. 15)
 *   o_y = softmax(W_o [g_y; e_y] + b_o)                  generated distribution    (eq. 14)
 *   w_y = Σ_t a_y[t] · onehot(id_t)                      copy distribution         (eq. 17)
 *   β_y = σ(W_e e_y + W_g g_y + b_β)                     fusion gate               (eq. 16)
 *   p_y = (1 − β_y) o_y + β_y w_y                                                  (eq. 18)
 *
 * The context tokens — the retrieved passages', then the input text's — are encoded by the decoder's own
 * context encoder, trained with the decoder: token, position and segment (passage / input text)
 * embeddings, then residual dilated convolutions (dilations 1, 2, 4, 8: each token sees ±15 neighbours,
 * about a clause), then LayerNorm. The retriever's encoder is trained for pooled vectors, and its token
 * features do not say which clause a token sits in, which is what copying a size or a lobe needs.
 * (Transformer blocks did the same job at 0.9 s per block per training step — too slow here.)
 *
 * With `textFeeding` the text context e enters the LSTM (input feeding, as in pointer-generator networks)
 * and the generated distribution; without it (paper A as written: g_y = LSTM([emb; v_y]), o_y from g_y
 * alone) the generator never sees the input text and can only copy from it — kept as an ablation.
 * The text attention also reads its coverage c_y = Σ_{y'<y} a_{y'} (See et al. 2017, "Get To The Point"),
 * so it knows which clauses it has already summarised; training adds the coverage loss Σ_t min(a_y, c_y),
 * which penalises attending twice to the same tokens — the remedy that paper gives for pointer-generator
 * decoders repeating themselves, which ours did ("2、…2、…").
 *
 * With `sentenceAttention`, the decoder also attends over the input text's sentences (hierarchical
 * attention, Nallapati et al. 2016, "Abstractive Text Summarization using Sequence-to-sequence RNNs and
 * Beyond"): each sentence is the mean of its encoded tokens; at every step a sentence attention, with its own
 * coverage, says which sentence (which finding) the summary is restating now. Its weight on a token's
 * sentence is added, times a learned weight, to that token's text-attention energy, and the attended
 * sentence feeds the LSTM and the generated distribution like e. Training supervises it with the sentence
 * each summary item restates (`itemAlignment.ts`): a decoder that copies tokens one at a time had no notion
 * of "the finding I am on", and lost a third of the findings of studies with three.
 *
 *   (s_y, q_y) = ATT(g_y, sentences, c^s_y)              sentence attention, context
 *   energy_t  += w_s · s_y[sentence(t)]                  in eq. 15, for input-text tokens
 *   (with `sentenceProduct`: energy_t += w_s · log(s_y[sentence(t)] + ε): Nallapati et al.'s product of
 *   word and sentence attention, where the additive bias gave the attended sentence's tokens at most
 *   e^{w_s} ≈ 6× the weight, and tokens of another finding's sentence still supplied sizes and lobes)
 *   o_y = softmax(W_o [g_y; e_y; q_y] + b_o)
 *
 * With `remainingSentences`, the decoder also knows what is left to write: each input sentence has a
 * salience σ(w·f_s + b) (trained to say whether a summary item restates it), and the sentences not yet
 * attended — weight sal_s · max(0, 1 − c^s_s) — are summed into a count and a mean-like feature that feed
 * the LSTM and the generated distribution. A decoder that knew which sentence it was on still stopped
 * after two of three findings: nothing told it that a third was waiting.
 *
 *   r_y = [Σ_s m_s sal_s (1 − c^s / κ)₊ ; Σ_s m_s sal_s (1 − c^s / κ)₊ f_s]
 *
 * κ (`remainingReadAt`, default 1) is the coverage at which a sentence counts as read. At 1, v20's
 * attention leaking onto another finding's sentence in the same lobe (coverage 1–6 by the summary's end,
 * where a restated sentence gathers 8–55) marked it read, and the decoder stopped before writing it.
 *
 * With `regionLobes`, the output layer also reads the lobes under the visual attention, l_y = a_yᵀ P with
 * P(lobe | region) counted from the training boxes: v18u looked at the finding for 71 % of the omitted lobes
 * it wrote and named the right lobe for 26 %. Trained as v17ul, it did not name omitted lobes more often.
 *
 * With `keyOnlyFeatures` k, the regions' last k features (the fixed filters' maxima) enter the visual
 * attention's keys only: they steer where it looks, and v_y, h₀ and c₀ read the other features alone.
 * Read into v_y as well, they made v47 rewrite facts its text gave (CIDEr-D fell on complete texts).
 *
 * With `detachedVisualQuery`, no gradient flows from the visual attention back into its query's sources
 * (the LSTM state g_{y−1} and the attended sentence): the attention's own projections learn where to look,
 * and the LSTM and the context encoder are shaped by the words alone. With the key-only filters, v49 and
 * v50 pointed far better than v20 but wrote worse facts; this asks whether the attention's gradient into
 * the LSTM is what costs the text.
 *
 * With `pointingAttention`, there are two visual attentions over the same regions and query. The pointing
 * attention, whose keys hold every feature (the fixed filters' maxima too) and which the training supervises
 * at the attention weight, is the one the page shows, the pointing game scores and l_y reads. The reading
 * attention, whose keys hold the encoder's features alone (supervised at its own weight, v20's 1 by
 * default), gives v_y, which the LSTM and the output layer read. v49 and v50 pointed far better than v20
 * with the filters in their keys and wrote worse facts; this asks whether the words suffer because v_y moves
 * with the sharper attention.
 *
 *   a^p_y = ATT_p(g_{y−1}, regions with filters)   l_y = a^p_yᵀ P     a^r_y = ATT_r(g_{y−1}, regions)   v_y = a^r_yᵀ regions
 *
 * With `pointingHead` as well, the pointing attention is a head trained after the decoder, on its frozen
 * states (`trainPointingHead.ts`): l_y reads the reading attention, so nothing the words depend on reads the
 * pointing one, and the decoder writes exactly what it writes without the head. Drawn jointly (v53), the
 * pointing attention pointed at 77–81 but every decoder draw wrote 1–5 points fewer facts than v20; the
 * head keeps a decoder's words and adds the pointing. The decoder trains as its core (`coreDecoderConfig`:
 * one attention, the region features without the filters' maxima); `withPointingHead` then adds the head,
 * from a seed of its own, and zero region positions for the maxima (only the head's keys see them).
 * With `pointingHeadHidden`, the head's keys are W_r · GELU(W_m x_r + b_m) instead of W_r · x_r, and its
 * query has a bias b_q: a linear key can only weigh each feature alone, and without the bias a region's
 * score is all query; k_r · b_q is how much the region looks like a finding whatever the step asks.
 *
 * Regions carry a learned position embedding (their place on the fixed region grid), so that what the
 * attention finds can be named by its lobe. One `step` serves teacher-forced training, greedy and beam
 * search, the CLI and the worker.
 */
import * as tf from '@tensorflow/tfjs';
import { fastTanh, matMulTransposed, swapLast } from '../tf/fastGradients.ts';
import { stopGradient } from '../tf/stopGradient.ts';
import { dense, embed, gelu, maskedMean } from './ops.ts';
import { initResidualConvolutions, residualConvolutions } from './textEncoder.ts';
import { initLayerNorm, layerNorm } from './transformer.ts';
import { WeightBuilder, type Weights } from './weights.ts';
import { sentenceSpans } from '../../text/sentences.ts';

export interface FusionDecoderConfig {
  vocab: number;
  embed: number;
  hidden: number;
  /** Feature size of an image region (the image encoder's last width). */
  regionDim: number;
  /** The regions' last this many features are the visual attention's keys only, not read into v_y, h₀, c₀ (see above). */
  keyOnlyFeatures?: number;
  /** No gradient from the visual attention into the LSTM state and the sentence that form its query (see above). */
  detachedVisualQuery?: boolean;
  /** Two visual attentions: one that points (shown, scored, read into l_y), one that v_y is read through (see above). */
  pointingAttention?: boolean;
  /** With `pointingAttention`: the pointing attention is a head trained on the frozen decoder, and l_y reads the reading attention (see above). */
  pointingHead?: boolean;
  /** With `pointingHead`: the head's keys read the regions through a GELU layer of this width, and its query has a bias (see above). */
  pointingHeadHidden?: number;
  /** Number of image regions (the encoder's region grid, flattened). */
  regions: number;
  /** Feature size of a context token (the context encoder's width). */
  tokenDim: number;
  /** The decoder's encoder of its context tokens: one residual convolution block per dilation. */
  contextEncoder: { dilations: number[]; maxLength: number };
  attention: number;
  /** Ablation "without adaptive fusion": β held at this value instead of eq. 16. */
  fixedBeta?: number;
  /** The text context feeds the LSTM and the generated distribution (see above). */
  textFeeding?: boolean;
  /** Intra-temporal text attention (Paulus et al. 2018): each token's exp(energy) divided by 1 + the sum of its past ones (see `attend`). */
  temporalAttention?: boolean;
  /** Attention over the input text's sentences (see above): the id of the token that ends a sentence ("。"), and how many sentences are attended (tokens of later ones belong to none). */
  sentenceAttention?: SentenceAttentionConfig;
  /** With sentence attention: the visual attention's query also reads the sentence attended at the previous step (see above). */
  sentenceGuidedVision?: boolean;
  /** The visual context also feeds the generated distribution (Show, Attend and Tell's deep output), not only the LSTM. */
  visualOutput?: boolean;
  /** With sentence attention: the salient sentences not yet attended feed the LSTM and the output (see above). */
  remainingSentences?: boolean;
  /** With `remainingSentences`: κ, the sentence coverage at which a sentence counts as read (see above; default 1). */
  remainingReadAt?: number;
  /** With sentence attention: a token's sentence weight enters its text energy as a log, not linearly (see above). */
  sentenceProduct?: boolean;
  /**
   * Token ids the copy path may not take from a retrieved passage: another study's sizes and places
   * (`placeAndSizeTokens`). Attention on them still feeds the text context e_y but copies nothing, so a
   * lobe the input text omits must come from the generator (which sees the image), not from a neighbour's
   * report. The input text's own tokens are always copyable.
   */
  passageUncopied?: number[];
  /**
   * P(lobe | region), counted from the training split's boxes: [regions × lobes], row-major. With it the
   * output layer also reads the lobes under the visual attention, l_y = Σ_r a_y[r] · P(· | r), so that where
   * the decoder looks can name the lobe (the learned region positions inside v_y did not).
   */
  regionLobes?: { lobes: number; table: number[] };
}

export interface SentenceAttentionConfig {
  endId: number;
  maxSentences: number;
}

/** Added inside the log: a target the mixture gives probability 0 must not make the loss infinite. */
export const LOG_EPSILON = 1e-8;

export function initFusionDecoder(c: FusionDecoderConfig, seed: number): Weights {
  if (c.pointingHead) return withPointingHead(initFusionDecoder(coreDecoderConfig(c), seed), c, seed);
  const b = new WeightBuilder(seed);
  const read = readRegionDim(c);
  b.kernel('dec.embed', [c.vocab, c.embed]);
  b.kernel('dec.init_h.kernel', [read, c.hidden]);
  b.zeros('dec.init_h.bias', [c.hidden]);
  b.kernel('dec.init_c.kernel', [read, c.hidden]);
  b.zeros('dec.init_c.bias', [c.hidden]);
  b.kernel('dec.att_img.regions', [c.pointingAttention ? read : c.regionDim, c.attention]);
  b.kernel('dec.att_img.hidden', [c.hidden, c.attention]);
  if (c.pointingAttention) {
    b.kernel('dec.att_pt.regions', [c.regionDim, c.attention]);
    b.kernel('dec.att_pt.hidden', [c.hidden, c.attention]);
  }
  const fed = fedWidth(c);
  b.kernel('dec.lstm.kernel', [c.embed + read + fed + c.hidden, 4 * c.hidden]);
  b.zeros('dec.lstm.bias', [4 * c.hidden]);
  b.kernel('dec.out.kernel', [c.hidden + fed + visualOutputWidth(c), c.vocab]);
  b.zeros('dec.out.bias', [c.vocab]);
  b.kernel('dec.att_txt.tokens', [c.tokenDim, c.attention]);
  b.kernel('dec.att_txt.hidden', [c.hidden, c.attention]);
  b.zeros('dec.att_txt.coverage', [1]);
  b.kernel('dec.gate.context', [c.tokenDim, 1]);
  b.kernel('dec.gate.hidden', [c.hidden, 1]);
  b.zeros('dec.gate.bias', [1]);
  b.kernel('dec.region_pos', [c.regions, c.regionDim]);
  const e = c.contextEncoder;
  b.kernel('dec.ctx.embed', [c.vocab, c.tokenDim]);
  b.kernel('dec.ctx.position', [e.maxLength, c.tokenDim]);
  b.kernel('dec.ctx.segment', [2, c.tokenDim]);
  initResidualConvolutions(b, 'dec.ctx.block', c.tokenDim, e.dilations.length);
  initLayerNorm(b, 'dec.ctx.ln', c.tokenDim);
  if (c.sentenceAttention) {
    b.kernel('dec.att_sent.sentences', [c.tokenDim, c.attention]);
    b.kernel('dec.att_sent.hidden', [c.hidden, c.attention]);
    b.zeros('dec.att_sent.coverage', [1]);
    // Starts by doubling (e¹ ≈ 2.7×) the weight of the attended sentence's tokens; learned from there.
    b.ones('dec.att_txt.sentence', [1]);
    if (c.sentenceGuidedVision) b.kernel('dec.att_img.sentence', [c.tokenDim, c.attention]);
    if (c.sentenceGuidedVision && c.pointingAttention) b.kernel('dec.att_pt.sentence', [c.tokenDim, c.attention]);
    if (c.remainingSentences) {
      b.kernel('dec.sent_salience.kernel', [c.tokenDim, 1]);
      b.zeros('dec.sent_salience.bias', [1]);
    }
  }
  return b.weights;
}

/** The decoder a `pointingHead` is added to: the same without the pointing attention and without the features only its keys read. */
export function coreDecoderConfig(c: FusionDecoderConfig): FusionDecoderConfig {
  const { keyOnlyFeatures: _keyOnly, pointingAttention: _pointing, pointingHead: _head, pointingHeadHidden: _headHidden, ...core } = c;
  return { ...core, regionDim: readRegionDim(c) };
}

/** The head's seed, apart from the decoder's own stream. */
const POINTING_HEAD_SEED = 7919;

/**
 * A core decoder's weights (`coreDecoderConfig`) → the same with a pointing head (`pointingHead`): the region
 * positions get zero columns for the features the head's keys alone read, and the head's projections are
 * initialised from `seed` (the decoder's) apart. The core's tensors are kept, not copied; its region
 * positions are replaced, and disposed.
 */
export function withPointingHead(core: Weights, c: FusionDecoderConfig, seed: number): Weights {
  const b = new WeightBuilder(seed + POINTING_HEAD_SEED);
  const extra = c.regionDim - readRegionDim(c);
  const positions = core['dec.region_pos']!;
  b.add('dec.region_pos', extra ? tf.pad(positions, [[0, 0], [0, extra]]) : tf.clone(positions));
  if (c.pointingHeadHidden) {
    b.kernel('dec.att_pt.mlp.kernel', [c.regionDim, c.pointingHeadHidden]);
    b.zeros('dec.att_pt.mlp.bias', [c.pointingHeadHidden]);
  }
  b.kernel('dec.att_pt.regions', [c.pointingHeadHidden ?? c.regionDim, c.attention]);
  b.kernel('dec.att_pt.hidden', [c.hidden, c.attention]);
  if (c.sentenceGuidedVision) b.kernel('dec.att_pt.sentence', [c.tokenDim, c.attention]);
  if (c.pointingHeadHidden) b.zeros('dec.att_pt.bias', [c.attention]);
  positions.dispose();
  return { ...core, ...b.weights };
}

/** Width of v_y: the region features read out of the attended regions (all but the `keyOnlyFeatures`). */
function readRegionDim(c: Pick<FusionDecoderConfig, 'regionDim' | 'keyOnlyFeatures'>): number {
  return c.regionDim - (c.keyOnlyFeatures ?? 0);
}

/** Width of what the output layer reads of the image: v_y (`visualOutput`), then l_y (`regionLobes`). */
function visualOutputWidth(c: Pick<FusionDecoderConfig, 'visualOutput' | 'regionDim' | 'keyOnlyFeatures' | 'regionLobes'>): number {
  return (c.visualOutput ? readRegionDim(c) : 0) + (c.regionLobes?.lobes ?? 0);
}

/** Width of what is fed to the LSTM and the output layer beside their own inputs: e_y, then q_y, then r_y. */
function fedWidth(c: Pick<FusionDecoderConfig, 'textFeeding' | 'sentenceAttention' | 'remainingSentences' | 'tokenDim'>): number {
  return (c.textFeeding ? c.tokenDim : 0) + (c.sentenceAttention ? c.tokenDim : 0) + (c.remainingSentences ? c.tokenDim + 1 : 0);
}

/** What the decoder reads at every step, computed once per summary. */
export type DecoderContext = {
  /** The regions' features with their positions, as read into v_y (without the `keyOnlyFeatures`). */
  regions: tf.Tensor3D; // [B, R, regionDim − keyOnlyFeatures]
  /** Regions projected for attention (hoisted out of the time loop); with `pointingAttention`, for the reading attention. */
  regionKeys: tf.Tensor3D; // [B, R, A]
  /** With `pointingAttention`: every region feature projected for the pointing attention, and transposed. */
  pointKeys?: AttentionKeys; // [B, R, A], [B, A, R]
  tokens: tf.Tensor3D; // [B, T, tokenDim]   retrieved passages' and input text's tokens, encoded
  tokenKeys: tf.Tensor3D; // [B, T, A]
  /**
   * The four above with their last two axes swapped, and the LSTM's and the output layer's kernels
   * transposed: what the gradients of every step's products read (`matMulTransposed`), made once per summary.
   */
  transposed: { regions: tf.Tensor3D; regionKeys: tf.Tensor3D; tokens: tf.Tensor3D; tokenKeys: tf.Tensor3D; lstmKernel: tf.Tensor2D; outKernel: tf.Tensor2D };
  /** The context tokens' vocabulary ids (the caller's tensor). */
  tokenIds: tf.Tensor2D; // [B, T]
  /** Where each retrieved token's attention goes in the vocabulary (rows of tokens that cannot be copied are all zero). */
  copyMap: tf.Tensor3D; // [B, T, V]
  /** 1 for the context tokens that can be copied: not padding, and not a passage's `passageUncopied` token. */
  copyMask: tf.Tensor2D; // [B, T]
  /** 0 for padding tokens, 1 otherwise. */
  tokenMask: tf.Tensor2D; // [B, T]
  fixedBeta?: number;
  textFeeding: boolean;
  temporalAttention: boolean;
  sentences?: ContextSentences;
  sentenceGuidedVision: boolean;
  detachedVisualQuery: boolean;
  visualOutput: boolean;
  sentenceProduct: boolean;
  /** With `pointingHead`: l_y reads the reading attention, not the pointing one. */
  lobesFromReading: boolean;
  /** With `regionLobes`: its table as a tensor. */
  regionLobes?: tf.Tensor2D; // [R, lobes]
};

/** The input text's sentences, computed once per summary (`contextSentences`). */
export type ContextSentences = {
  /** Which sentence each context token is in (one-hot; all-zero for passages, padding and sentences past the last attended). */
  members: tf.Tensor3D; // [B, S, T]
  /** Each sentence's mean encoded token. */
  features: tf.Tensor3D; // [B, S, tokenDim]
  keys: tf.Tensor3D; // [B, S, A]
  /** features and keys with their last two axes swapped (`matMulTransposed`). */
  featuresT: tf.Tensor3D; // [B, tokenDim, S]
  keysT: tf.Tensor3D; // [B, A, S]
  /** 1 for sentences the row has. */
  mask: tf.Tensor2D; // [B, S]
  /** With `remainingSentences`: each sentence's salience logit w·f_s + b, and κ. */
  salience?: tf.Tensor2D; // [B, S]
  readAt?: number;
};

// Types, not interfaces: tf.tidy returns them, and only type aliases satisfy its TensorContainer.
export type DecoderState = {
  h: tf.Tensor2D; // [B, H]
  c: tf.Tensor2D; // [B, H]
  /** The previous step's text context e_{y−1}. */
  e: tf.Tensor2D; // [B, tokenDim]
  /** The text attention's coverage c_y: the sum of its earlier weights. */
  coverage: tf.Tensor2D; // [B, T]
  /** With intra-temporal attention: log(1 + Σ_{y'<y} exp(energy_{y'})) per context token. */
  pastEnergy?: tf.Tensor2D; // [B, T]
  /** With sentence attention: the previous step's sentence context q_{y−1}, and the sentence attention's coverage. */
  sentence?: tf.Tensor2D; // [B, tokenDim]
  sentenceCoverage?: tf.Tensor2D; // [B, S]
};

export type StepOutput = {
  probs: tf.Tensor2D; // [B, V]   the fused distribution p_y
  state: DecoderState;
  /** The attention that points: with `pointingAttention` the pointing one, else the only one. */
  visualAttention: tf.Tensor2D; // [B, R]
  textAttention: tf.Tensor2D; // [B, T]
  beta: tf.Tensor1D; // [B]
  /** With sentence attention: its weights over the input text's sentences. */
  sentenceAttention?: tf.Tensor2D; // [B, S]
  /** With `pointingAttention`: the reading attention, which v_y is read through. */
  readingAttention?: tf.Tensor2D; // [B, R]
};

/** Segment ids [B, T] of padded context rows: 0 for passage tokens, 1 from each row's input text on. */
export function contextSegments(inputStarts: number[], length: number): tf.Tensor2D {
  const s = new Int32Array(inputStarts.length * length);
  inputStarts.forEach((start, b) => s.fill(1, b * length + Math.min(start, length), (b + 1) * length));
  return tf.tensor2d(s, [inputStarts.length, length], 'int32');
}

/** The context encoder: ids [B, T] with their mask and segments → token features [B, T, tokenDim]. */
export function encodeContext(w: Weights, c: Pick<FusionDecoderConfig, 'contextEncoder'>, ids: tf.Tensor2D, mask: tf.Tensor2D, segments: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [, t] = ids.shape;
    const e = c.contextEncoder;
    if (t > e.maxLength) throw new Error(`context of ${t} tokens is longer than the decoder's ${e.maxLength}`);
    const position = tf.slice(w['dec.ctx.position']!, [0, 0], [t, -1]);
    const m = tf.expandDims(mask, 2); // [B, T, 1]
    const embedded = tf.mul(tf.add(tf.add(embed(w['dec.ctx.embed'] as tf.Tensor2D, ids), position), embed(w['dec.ctx.segment'] as tf.Tensor2D, segments)), m) as tf.Tensor3D; // [B, T, D]
    const h = residualConvolutions(w, 'dec.ctx.block', embedded, m, e.dilations);
    return tf.mul(layerNorm(w, 'dec.ctx.ln', h), m) as tf.Tensor3D; // [B, T, D]
  });
}

/**
 * Sentence membership [B, S, T] of padded context rows (ids, and where the input text starts): the input
 * text's sentences (`sentenceSpans`, ended by `endId`), counted from its start; passage tokens, padding and
 * sentences past the S-th are in none. Built from the ids on the CPU, as the segments are, by the same
 * `sentenceSpans` that the page uses to outline the sentence being restated.
 */
export function sentenceMembership(rows: readonly { ids: readonly number[]; inputStart: number }[], length: number, s: SentenceAttentionConfig): tf.Tensor3D {
  const m = new Float32Array(rows.length * s.maxSentences * length);
  rows.forEach((row, b) => {
    const spans = attendedSentenceSpans(row, length, s);
    spans.forEach(([from, to], k) => m.fill(1, (b * s.maxSentences + k) * length + from, (b * s.maxSentences + k) * length + to));
  });
  return tf.tensor3d(m, [rows.length, s.maxSentences, length]);
}

/** The [from, to) token spans of a context row's input sentences that the sentence attention weighs, in its order. */
export function attendedSentenceSpans(row: { ids: readonly number[]; inputStart: number }, length: number, s: SentenceAttentionConfig): [number, number][] {
  return sentenceSpans(row.ids, s.endId, row.inputStart, Math.min(row.ids.length, length)).slice(0, s.maxSentences);
}

/** The sentences' features (mean encoded token), keys, mask and (with `remainingSentences`) salience logits. */
function contextSentences(w: Weights, tokens: tf.Tensor3D, members: tf.Tensor3D, readAt: number | undefined): ContextSentences {
  const [b, s] = members.shape;
  const counts = tf.sum(members, 2); // [B, S]
  // Kept in the context and freed with it; the caller's tensor stays the caller's.
  const own = tf.clone(members);
  const features = tf.div(tf.matMul(members, tokens), tf.expandDims(tf.maximum(counts, 1), 2)) as tf.Tensor3D; // [B, S, D]
  const keys = projectRows(features, w['dec.att_sent.sentences'] as tf.Tensor2D);
  // min(count, 1), not cast(count > 0): on WebGPU a bool → float32 cast is a float view of an int32 buffer,
  // and summing that view over a non-last axis (maskedMean) compiles an invalid transpose shader, which
  // makes WebGPU drop the whole command batch — every value of the step read back as garbage.
  const salience = readAt !== undefined ? (tf.reshape(dense(w, 'dec.sent_salience', tf.reshape(features, [b * s, -1]) as tf.Tensor2D), [b, s]) as tf.Tensor2D) : undefined;
  return { members: own, features, keys, featuresT: swapLast(features), keysT: swapLast(keys), mask: tf.minimum(counts, 1) as tf.Tensor2D, ...(salience ? { salience, readAt } : {}) };
}

/**
 * Builds the context: regions with their positions, encoded tokens, projections of both, the copy map, the
 * mask; with sentence attention, the sentences from `members` (`sentenceMembership`; the caller's tensor).
 */
export function prepareContext(w: Weights, features: tf.Tensor3D, tokenIds: tf.Tensor2D, tokenMask: tf.Tensor2D, segments: tf.Tensor2D, c: Pick<FusionDecoderConfig, 'vocab' | 'keyOnlyFeatures' | 'fixedBeta' | 'textFeeding' | 'temporalAttention' | 'contextEncoder' | 'sentenceAttention' | 'sentenceGuidedVision' | 'detachedVisualQuery' | 'pointingAttention' | 'pointingHead' | 'visualOutput' | 'remainingSentences' | 'remainingReadAt' | 'sentenceProduct' | 'passageUncopied' | 'regionLobes'>, members?: tf.Tensor3D): DecoderContext {
  if (c.sentenceAttention && !members) throw new Error('a decoder with sentence attention needs the sentence membership of its context (sentenceMembership)');
  if ((c.sentenceGuidedVision || c.remainingSentences || c.sentenceProduct) && !c.sentenceAttention) throw new Error('sentence-guided visual attention, remaining sentences and the sentence product need the sentence attention');
  return tf.tidy(() => {
    const placed = placedRegions(w, features); // [B, R, regionDim]
    const tokens = encodeContext(w, c, tokenIds, tokenMask, segments); // [B, T, tokenDim]
    const [, r, rd] = placed.shape;
    const regions = c.keyOnlyFeatures ? (tf.slice(placed, [0, 0, 0], [-1, -1, rd - c.keyOnlyFeatures]) as tf.Tensor3D) : placed;
    const regionKeys = projectRows(c.pointingAttention ? regions : placed, w['dec.att_img.regions'] as tf.Tensor2D); // [B, R, A]
    const pointKeys = c.pointingAttention ? pointingKeys(w, placed) : undefined;
    const tokenKeys = projectRows(tokens, w['dec.att_txt.tokens'] as tf.Tensor2D); // [B, T, A]
    const copyMask = copyableTokens(tokenIds, tokenMask, segments, c);
    const copyMap = tf.mul(tf.oneHot(tf.cast(tokenIds, 'int32'), c.vocab), tf.expandDims(copyMask, 2)) as tf.Tensor3D; // [B, T, V]
    const sentences = c.sentenceAttention ? contextSentences(w, tokens, members!, c.remainingSentences ? (c.remainingReadAt ?? 1) : undefined) : undefined;
    return {
      regions, regionKeys, tokens, tokenKeys, tokenIds,
      transposed: { regions: swapLast(regions), regionKeys: swapLast(regionKeys), tokens: swapLast(tokens), tokenKeys: swapLast(tokenKeys), lstmKernel: swapLast(w['dec.lstm.kernel'] as tf.Tensor2D), outKernel: swapLast(w['dec.out.kernel'] as tf.Tensor2D) }, copyMap, copyMask, tokenMask, textFeeding: c.textFeeding === true, temporalAttention: c.temporalAttention === true,
      ...(pointKeys ? { pointKeys: { keys: pointKeys, keysT: swapLast(pointKeys) } } : {}),
      sentenceGuidedVision: c.sentenceGuidedVision === true, detachedVisualQuery: c.detachedVisualQuery === true, visualOutput: c.visualOutput === true, sentenceProduct: c.sentenceProduct === true,
      lobesFromReading: c.pointingAttention === true && c.pointingHead === true,
      ...(c.fixedBeta === undefined ? {} : { fixedBeta: c.fixedBeta }),
      ...(sentences ? { sentences } : {}),
      ...(c.regionLobes ? { regionLobes: tf.tensor2d(c.regionLobes.table, [r, c.regionLobes.lobes]) } : {}),
    };
  });
}

/** The regions' features with their learned positions [B, R, regionDim]: what every visual attention's keys are made from. */
function placedRegions(w: Weights, features: tf.Tensor3D): tf.Tensor3D {
  return tf.add(features, w['dec.region_pos']!) as tf.Tensor3D;
}

/** The pointing attention's keys [B, R, A]: every placed region feature (the key-only ones too), projected; through the head's GELU layer where it has one. */
function pointingKeys(w: Weights, placed: tf.Tensor3D): tf.Tensor3D {
  const mlp = w['dec.att_pt.mlp.kernel'] as tf.Tensor2D | undefined;
  const x = mlp ? gelu(tf.add(projectRows(placed, mlp), w['dec.att_pt.mlp.bias']!) as tf.Tensor3D) : placed;
  return projectRows(x, w['dec.att_pt.regions'] as tf.Tensor2D);
}

/** tokenMask × (1 − passage × uncopied(id)): the context tokens the copy path may take [B, T]. */
function copyableTokens(tokenIds: tf.Tensor2D, tokenMask: tf.Tensor2D, segments: tf.Tensor2D, c: Pick<FusionDecoderConfig, 'vocab' | 'passageUncopied'>): tf.Tensor2D {
  if (!c.passageUncopied?.length) return tf.clone(tokenMask);
  const uncopied = new Float32Array(c.vocab);
  for (const id of c.passageUncopied) uncopied[id] = 1;
  const blocked = tf.mul(tf.gather(tf.tensor1d(uncopied), tf.cast(tokenIds, 'int32')), tf.sub(1, tf.cast(segments, 'float32'))); // [B, T]
  return tf.mul(tokenMask, tf.sub(1, blocked)) as tf.Tensor2D;
}

/** x [B, N, D] times kernel [D, A], row by row: [B, N, A] (an attention's keys, hoisted out of the time loop). */
function projectRows(x: tf.Tensor3D, kernel: tf.Tensor2D): tf.Tensor3D {
  const [b, n, d] = x.shape;
  return tf.reshape(tf.matMul(tf.reshape(x, [b * n, d]), kernel), [b, n, -1]) as tf.Tensor3D;
}

/** Frees what prepareContext made (the caller's features, ids, mask and segments stay). */
export function disposeContext(ctx: DecoderContext): void {
  tf.dispose([ctx.regions, ctx.regionKeys, ...(ctx.pointKeys ? Object.values(ctx.pointKeys) : []), ctx.tokens, ctx.tokenKeys, ...Object.values(ctx.transposed), ctx.copyMap, ctx.copyMask, ...(ctx.regionLobes ? [ctx.regionLobes] : []), ...(ctx.sentences ? Object.values(ctx.sentences) : [])]);
}

/**
 * Which input sentences of the context's first row the decoder rates salient (σ(logit) > 0.5), one flag per
 * sentence slot (padding slots false); all false without salience. Several contexts (an ensemble's decoders
 * over the same input): the mean logit decides.
 */
export async function salientSentences(...contexts: DecoderContext[]): Promise<boolean[]> {
  const all = contexts.map((c) => c.sentences);
  if (!all.every((s) => s?.salience)) return Array.from({ length: contexts[0]?.sentences?.mask.shape[1] ?? 0 }, () => false);
  const flags = tf.tidy(() => {
    const logit = tf.div(tf.addN(all.map((s) => s!.salience!.slice([0, 0], [1, -1]))), all.length);
    return tf.mul(tf.cast(tf.greater(logit, 0), 'float32'), all[0]!.mask.slice([0, 0], [1, -1]));
  });
  const values = await flags.data();
  flags.dispose();
  return [...values].map((v) => v > 0);
}

/** h₀, c₀ from the mean region feature (as Show, Attend and Tell initialises its LSTM); e₀ the mean context token, q₀ the mean sentence; no coverage yet. */
export function initialState(w: Weights, ctx: DecoderContext): DecoderState {
  return tf.tidy(() => {
    const mean = tf.mean(ctx.regions, 1) as tf.Tensor2D; // [B, regionDim − keyOnlyFeatures]
    return {
      h: fastTanh(dense(w, 'dec.init_h', mean)) as tf.Tensor2D,
      c: fastTanh(dense(w, 'dec.init_c', mean)) as tf.Tensor2D,
      e: maskedMean(ctx.tokens, ctx.tokenMask),
      coverage: tf.zerosLike(ctx.tokenMask) as tf.Tensor2D,
      ...(ctx.temporalAttention ? { pastEnergy: tf.zerosLike(ctx.tokenMask) as tf.Tensor2D } : {}),
      ...(ctx.sentences ? { sentence: maskedMean(ctx.sentences.features, ctx.sentences.mask), sentenceCoverage: tf.zerosLike(ctx.sentences.mask) as tf.Tensor2D } : {}),
    };
  });
}

/**
 * Bilinear ("general", Luong et al. 2015) attention, scaled as in dot-product attention: energy_n =
 * key_n · query / √A with query = W h (the caller's projection), masked; weights over keys and the weighted sum of values. Each of `biases` [B, N]
 * adds its weight × its value to each energy (coverage c_n; the weight of a token's sentence). `pastEnergy` [B, N] (intra-temporal attention, Paulus et al.
 * 2018, eq. 2) is subtracted from it: weight_n ∝ exp(energy_n) / (1 + Σ_{past} exp(energy_n)), so a token
 * read with high energy before is read less now (the 1 keeps the first step plain attention).
 */
function attend(memory: AttentionMemory, projected: tf.Tensor2D, mask?: tf.Tensor2D, biases: { values: tf.Tensor2D; weight: tf.Tensor }[] = [], pastEnergy?: tf.Tensor2D): { weights: tf.Tensor2D; context: tf.Tensor2D; energy: tf.Tensor2D } {
  const { weights, energy } = attentionWeights(memory, projected, mask, biases, pastEnergy);
  const context = tf.squeeze(matMulTransposed(tf.expandDims(weights, 1), memory.values, { bT: memory.valuesT }), [1]) as tf.Tensor2D; // [B, dim]
  return { weights, context, energy };
}

/** `attend` without the weighted sum of values: the weights alone, for an attention whose context nothing reads. */
function attentionWeights(memory: AttentionKeys, projected: tf.Tensor2D, mask?: tf.Tensor2D, biases: { values: tf.Tensor2D; weight: tf.Tensor }[] = [], pastEnergy?: tf.Tensor2D): { weights: tf.Tensor2D; energy: tf.Tensor2D } {
  const { keys, keysT } = memory;
  const a = keys.shape[2];
  const query = tf.expandDims(tf.mul(projected, 1 / Math.sqrt(a)), 2); // [B, A, 1]
  const scores = tf.squeeze(matMulTransposed(keys, query, { aT: keysT }), [2]) as tf.Tensor2D; // [B, N]
  const energy = biases.reduce((e, bias) => tf.add(e, tf.mul(bias.values, bias.weight)), scores as tf.Tensor) as tf.Tensor2D;
  const temporal = pastEnergy ? tf.sub(energy, pastEnergy) : energy;
  const masked = mask ? tf.add(temporal, tf.mul(tf.sub(1, mask), -1e9)) : temporal;
  return { weights: tf.softmax(masked) as tf.Tensor2D, energy }; // [B, N]
}

/** An attention's projected query [B, A], plus its bias where it has one (the pointing head with `pointingHeadHidden`). */
function queryBias<T extends tf.Tensor>(w: Weights, att: string, projected: T): T {
  const bias = w[`${att}.bias`];
  return bias ? (tf.add(projected, bias) as T) : projected;
}

/** An attention's keys [B, N, A], and the same with their last two axes swapped. */
type AttentionKeys = { keys: tf.Tensor3D; keysT: tf.Tensor3D };

/** What an attention reads: keys [B, N, A] and values [B, N, D], and both with their last two axes swapped. */
type AttentionMemory = AttentionKeys & { values: tf.Tensor3D; valuesT: tf.Tensor3D };

/** log(exp(a) + exp(b)), elementwise and without overflow. */
function logAddExp(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const m = tf.maximum(a, b);
  return tf.add(m, tf.log(tf.add(tf.exp(tf.sub(a, m)), tf.exp(tf.sub(b, m))))) as tf.Tensor2D;
}

/** One LSTM cell step; gates i, f, g, o in that order along the last axis. `kernelT`: the kernel transposed (`DecoderContext.transposed`). */
function lstmCell(w: Weights, x: tf.Tensor2D, s: DecoderState, kernelT: tf.Tensor2D): { h: tf.Tensor2D; c: tf.Tensor2D } {
  const z = tf.add(matMulTransposed(tf.concat([x, s.h], 1), w['dec.lstm.kernel'] as tf.Tensor2D, { bT: kernelT }), w['dec.lstm.bias']!); // [B, 4H]
  const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const c = tf.add(tf.mul(tf.sigmoid(f), s.c), tf.mul(tf.sigmoid(i), fastTanh(g))) as tf.Tensor2D;
  return { h: tf.mul(tf.sigmoid(o), fastTanh(c)) as tf.Tensor2D, c };
}

/** The sentence attention of one step, and its weights carried over to each input-text token's energy. */
function attendSentences(w: Weights, sentences: ContextSentences, h: tf.Tensor2D, s: DecoderState, product: boolean) {
  const coverage = { values: s.sentenceCoverage!, weight: w['dec.att_sent.coverage']! };
  const attended = attend({ keys: sentences.keys, keysT: sentences.keysT, values: sentences.features, valuesT: sentences.featuresT }, tf.matMul(h, w['dec.att_sent.hidden'] as tf.Tensor2D), sentences.mask, [coverage]);
  // Each token gets its sentence's weight (or its log); tokens in no sentence (passages, padding) get 0.
  const perSentence = product ? tf.log(tf.add(attended.weights, LOG_EPSILON)) : attended.weights;
  const perToken = tf.squeeze(tf.matMul(tf.expandDims(perSentence, 1), sentences.members), [1]) as tf.Tensor2D; // [B, T]
  return { ...attended, tokenBias: { values: perToken, weight: w['dec.att_txt.sentence']! } };
}

/** r_y: the salient sentences not yet read (coverage under κ), given the sentence coverage — their weight and weighted features [B, 1 + D]. */
function remaining(sentences: ContextSentences, coverage: tf.Tensor2D): tf.Tensor2D {
  const readAt = sentences.readAt ?? 1;
  const left = tf.mul(tf.mul(tf.sigmoid(sentences.salience!), sentences.mask), tf.relu(tf.sub(1, readAt === 1 ? coverage : tf.div(coverage, readAt)))) as tf.Tensor2D; // [B, S]
  const features = tf.squeeze(matMulTransposed(tf.expandDims(left, 1), sentences.features, { bT: sentences.featuresT }), [1]); // [B, D]
  return tf.concat([tf.sum(left, 1, true), features], 1) as tf.Tensor2D;
}

/** One step without the fused distribution: the new state, o_y (eq. 14), the attentions and β_y (eq. 16). */
function stepParts(w: Weights, ctx: DecoderContext, prev: tf.Tensor1D, s: DecoderState) {
  // eq. 12; guided, the query also holds the sentence being restated: its finding's type and place pick the regions.
  const held = <T extends tf.Tensor>(x: T) => (ctx.detachedVisualQuery ? stopGradient(x) : x);
  const query = (att: string) => {
    const hidden = tf.matMul(held(s.h), w[`${att}.hidden`] as tf.Tensor2D) as tf.Tensor2D;
    return queryBias(w, att, ctx.sentenceGuidedVision ? (tf.add(hidden, tf.matMul(held(s.sentence!), w[`${att}.sentence`] as tf.Tensor2D)) as tf.Tensor2D) : hidden);
  };
  const { transposed: t } = ctx;
  const visual = attend({ keys: ctx.regionKeys, keysT: t.regionKeys, values: ctx.regions, valuesT: t.regions }, query('dec.att_img'));
  // The pointing attention's context is never read: only its weights (l_y, the heatmap).
  const pointing = ctx.pointKeys ? attentionWeights(ctx.pointKeys, query('dec.att_pt')).weights : visual.weights;
  const embedded = embed(w['dec.embed'] as tf.Tensor2D, prev) as tf.Tensor2D; // [B, E]
  const left = (coverage: tf.Tensor2D | undefined) => (ctx.sentences?.salience ? [remaining(ctx.sentences, coverage!)] : []);
  const fed = (e: tf.Tensor2D, q: tf.Tensor2D | undefined, r: tf.Tensor2D[]) => [...(ctx.textFeeding ? [e] : []), ...(q ? [q] : []), ...r];
  const cell = lstmCell(w, tf.concat([embedded, visual.context, ...fed(s.e, s.sentence, left(s.sentenceCoverage))], 1), s, t.lstmKernel); // eq. 13
  const sentence = ctx.sentences ? attendSentences(w, ctx.sentences, cell.h, s, ctx.sentenceProduct) : undefined;
  const coverage = { values: s.coverage, weight: w['dec.att_txt.coverage']! };
  const text = attend({ keys: ctx.tokenKeys, keysT: t.tokenKeys, values: ctx.tokens, valuesT: t.tokens }, tf.matMul(cell.h, w['dec.att_txt.hidden'] as tf.Tensor2D), ctx.tokenMask, sentence ? [coverage, sentence.tokenBias] : [coverage], s.pastEnergy); // eq. 15
  const sentenceCoverage = sentence ? (tf.add(s.sentenceCoverage!, sentence.weights) as tf.Tensor2D) : undefined;
  const read = tf.concat([cell.h, ...fed(text.context, sentence?.context, left(sentenceCoverage)), ...(ctx.visualOutput ? [visual.context] : []), ...(ctx.regionLobes ? [tf.matMul(ctx.lobesFromReading ? visual.weights : pointing, ctx.regionLobes)] : [])], 1);
  const generated = tf.softmax(tf.add(matMulTransposed(read, w['dec.out.kernel'] as tf.Tensor2D, { bT: t.outKernel }), w['dec.out.bias']!)) as tf.Tensor2D; // eq. 14, [B, V]
  const state: DecoderState = {
    ...cell, e: text.context, coverage: tf.add(s.coverage, text.weights) as tf.Tensor2D,
    ...(s.pastEnergy ? { pastEnergy: logAddExp(s.pastEnergy, text.energy) } : {}),
    ...(sentence ? { sentence: sentence.context, sentenceCoverage: sentenceCoverage! } : {}),
  };
  const gateLogit = tf.add(tf.add(tf.matMul(text.context, w['dec.gate.context'] as tf.Tensor2D), tf.matMul(state.h, w['dec.gate.hidden'] as tf.Tensor2D)), w['dec.gate.bias']!);
  const adaptive = tf.sigmoid(tf.squeeze(gateLogit, [1])) as tf.Tensor1D; // eq. 16, [B]
  const beta = ctx.fixedBeta === undefined ? adaptive : (tf.fill(adaptive.shape, ctx.fixedBeta) as tf.Tensor1D);
  return { generated, state, visualAttention: pointing, textAttention: text.weights, beta, ...(sentence ? { sentenceAttention: sentence.weights } : {}), ...(ctx.pointKeys ? { readingAttention: visual.weights } : {}) };
}

/** p = (1 − β) o + β w (eq. 18), for whole distributions [B, V] or one token's probabilities [B]. */
function fuse(beta: tf.Tensor1D, generated: tf.Tensor, copied: tf.Tensor): tf.Tensor {
  const b = generated.rank === 2 ? tf.expandDims(beta, 1) : beta;
  return tf.add(tf.mul(tf.sub(1, b), generated), tf.mul(b, copied));
}

/** One decoding step from the previous tokens [B] (ids) and state. */
export function step(w: Weights, ctx: DecoderContext, prev: tf.Tensor1D, s: DecoderState): StepOutput {
  return tf.tidy(() => {
    const { generated, ...out } = stepParts(w, ctx, prev, s);
    const copied = tf.squeeze(tf.matMul(tf.expandDims(out.textAttention, 1), ctx.copyMap), [1]); // eq. 17, [B, V]
    return { probs: fuse(out.beta, generated, copied) as tf.Tensor2D, ...out };
  });
}

/**
 * What the attentions are taught besides the likelihood, each term a mean over the target tokens it
 * concerns, with its weight λ:
 * - `visual` [B, L, R]: 1 on the regions of the finding a token names (all-zero rows for tokens that name
 *   none) → λ·−log(visual attention mass there) — supervised attention (with `pointingAttention`, the pointing one);
 * - `reading`, with `pointingAttention`: the same for the reading attention, at its own weight;
 * - `copy` [B, L, T]: 1 on the input-text tokens a summary token was copied from (`copySources`) →
 *   λ·−log(text attention mass there), so sizes and lobes are read from this study's text, not from a
 *   retrieved passage that names another study's;
 * - `sentence` [B, L, S]: 1 on the input sentence the item of a token restates (`itemAlignment.ts`) →
 *   λ·−log(sentence attention there); with `remainingSentences`, also λ × the sentences' salience
 *   cross-entropy against "some item restates it" (the same targets, any token);
 * - `coverage`: λ·Σ_t min(a_y, c_y) over every target token (See et al. 2017).
 */
export type AttentionSupervision = {
  visual?: { targets: tf.Tensor3D; weight: number };
  reading?: { targets: tf.Tensor3D; weight: number };
  copy?: { targets: tf.Tensor3D; weight: number };
  sentence?: { targets: tf.Tensor3D; weight: number };
  coverage?: number;
};

/**
 * Teacher-forced log p(target) per position [B, L] (inputs start with BOS; ε inside the log keeps it
 * finite), the visual, text and (with them) sentence and reading attention of every step ([B, L, R],
 * [B, L, T], [B, L, S], [B, L, R]) and each step's coverage loss Σ_t min(a_y, c_y) [B, L].
 */
export function tokenLogProbs(w: Weights, ctx: DecoderContext, inputs: tf.Tensor2D, targets: tf.Tensor2D, vocab: number) {
  return tf.tidy(() => {
    const [, length] = inputs.shape;
    let state = initialState(w, ctx);
    const logProbs: tf.Tensor1D[] = [];
    const looks: tf.Tensor2D[] = [];
    const reads: tf.Tensor2D[] = [];
    const overlaps: tf.Tensor1D[] = [];
    const picks: tf.Tensor2D[] = [];
    const readLooks: tf.Tensor2D[] = [];
    for (let y = 0; y < length; y++) {
      const prev = tf.squeeze(tf.slice(inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D;
      const out = stepParts(w, ctx, prev, state);
      overlaps.push(tf.sum(tf.minimum(out.textAttention, state.coverage), 1) as tf.Tensor1D);
      state = out.state;
      // p_y(target) from eq. 18 at the target alone: the copy term is the attention on the context tokens
      // with the target's id (the full copy distribution's product with the [B, T, V] map took a fifth of a training step).
      const target = tf.cast(tf.squeeze(tf.slice(targets, [0, y], [-1, 1]), [1]), 'int32'); // [B]
      const generated = tf.sum(tf.mul(out.generated, tf.oneHot(target, vocab)), 1); // [B]
      const copied = tf.sum(tf.mul(out.textAttention, tf.mul(tf.cast(tf.equal(ctx.tokenIds, tf.expandDims(target, 1)), 'float32'), ctx.copyMask)), 1); // [B]
      logProbs.push(tf.log(tf.add(fuse(out.beta, generated, copied), LOG_EPSILON)) as tf.Tensor1D); // [B]
      looks.push(out.visualAttention);
      reads.push(out.textAttention);
      if (out.sentenceAttention) picks.push(out.sentenceAttention);
      if (out.readingAttention) readLooks.push(out.readingAttention);
    }
    return {
      logProbs: tf.stack(logProbs, 1) as tf.Tensor2D,
      looks: tf.stack(looks, 1) as tf.Tensor3D,
      reads: tf.stack(reads, 1) as tf.Tensor3D,
      ...(picks.length ? { picks: tf.stack(picks, 1) as tf.Tensor3D } : {}),
      ...(readLooks.length ? { readLooks: tf.stack(readLooks, 1) as tf.Tensor3D } : {}),
      coverageLoss: tf.stack(overlaps, 1) as tf.Tensor2D,
    };
  });
}

/** Mean over the tokens that have a target of −log(attention mass on it). */
function missedMass(attention: tf.Tensor3D, targets: tf.Tensor3D): tf.Scalar {
  const mass = tf.sum(tf.mul(attention, targets), 2); // [B, L]
  const supervised = tf.cast(tf.greater(tf.sum(targets, 2), 0), 'float32'); // [B, L]
  return tf.div(tf.sum(tf.mul(tf.neg(tf.log(tf.add(mass, LOG_EPSILON))), supervised)), tf.maximum(tf.sum(supervised), 1)) as tf.Scalar;
}

/** Sigmoid cross-entropy of each sentence's salience against whether any target token restates it, over the sentences each row has. */
function salienceLoss(sentences: ContextSentences, targets: tf.Tensor3D): tf.Scalar {
  const restated = tf.max(targets, 1); // [B, S]
  const z = sentences.salience!;
  const ce = tf.add(tf.mul(restated, tf.softplus(tf.neg(z))), tf.mul(tf.sub(1, restated), tf.softplus(z)));
  return tf.div(tf.sum(tf.mul(ce, sentences.mask)), tf.maximum(tf.sum(sentences.mask), 1)) as tf.Scalar;
}

/** What the visual attention's query reads at each teacher-forced step: the LSTM state g_{y−1} [B, L, H] and, with guided vision, the sentence attended at the previous step [B, L, tokenDim]. */
export type VisualQueries = { hidden: tf.Tensor3D; sentence?: tf.Tensor3D };

/**
 * The decoder run teacher-forced on `inputs` [B, L], keeping what each step's visual query reads (the state
 * before the step). A pointing head trains on a frozen decoder's queries, computed once (`trainPointingHead.ts`).
 */
export function visualQueries(w: Weights, ctx: DecoderContext, inputs: tf.Tensor2D): VisualQueries {
  return tf.tidy(() => {
    let state = initialState(w, ctx);
    const hidden: tf.Tensor2D[] = [];
    const sentence: tf.Tensor2D[] = [];
    for (let y = 0; y < inputs.shape[1]; y++) {
      hidden.push(state.h);
      if (ctx.sentenceGuidedVision) sentence.push(state.sentence!);
      state = stepParts(w, ctx, tf.squeeze(tf.slice(inputs, [0, y], [-1, 1]), [1]) as tf.Tensor1D, state).state;
    }
    return { hidden: tf.stack(hidden, 1) as tf.Tensor3D, ...(sentence.length ? { sentence: tf.stack(sentence, 1) as tf.Tensor3D } : {}) };
  });
}

/**
 * The pointing attention of every step at once [B, L, R], from the region features [B, R, regionDim] and the
 * steps' queries: the step's own `attentionWeights(pointKeys, query('dec.att_pt'))`, batched over the steps.
 */
export function pointingWeights(w: Weights, features: tf.Tensor3D, q: VisualQueries): tf.Tensor3D {
  return tf.tidy(() => {
    const keys = pointingKeys(w, placedRegions(w, features)); // [B, R, A]
    const [b, l, h] = q.hidden.shape;
    const a = keys.shape[2];
    const hidden = tf.matMul(tf.reshape(q.hidden, [b * l, h]), w['dec.att_pt.hidden'] as tf.Tensor2D);
    const projected = queryBias(w, 'dec.att_pt', q.sentence ? tf.add(hidden, tf.matMul(tf.reshape(q.sentence, [b * l, -1]), w['dec.att_pt.sentence'] as tf.Tensor2D)) : hidden);
    const query = tf.reshape(tf.mul(projected, 1 / Math.sqrt(a)), [b, l, a]);
    return tf.softmax(tf.matMul(query, keys, false, true)) as tf.Tensor3D; // [B, L, R]
  });
}

/** A pointing head's loss: the mean, over the steps whose token names a finding, of −log(pointing mass on its regions) [B, L, R]. */
export function pointingLoss(w: Weights, features: tf.Tensor3D, q: VisualQueries, targets: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => missedMass(pointingWeights(w, features, q), targets));
}

/**
 * Teacher-forced negative log-likelihood of target sequences [B, L] (starting after BOS), averaged over
 * non-padding positions, plus the supervision terms asked for.
 */
export function teacherForcedLoss(w: Weights, ctx: DecoderContext, inputs: tf.Tensor2D, targets: tf.Tensor2D, targetMask: tf.Tensor2D, vocab: number, supervision: AttentionSupervision = {}): tf.Scalar {
  return tf.tidy(() => {
    const { logProbs, looks, reads, picks, readLooks, coverageLoss } = tokenLogProbs(w, ctx, inputs, targets, vocab);
    const tokens = tf.maximum(tf.sum(targetMask), 1);
    let loss = tf.div(tf.neg(tf.sum(tf.mul(logProbs, targetMask))), tokens) as tf.Scalar;
    const { visual, reading, copy, sentence, coverage } = supervision;
    if (visual) loss = tf.add(loss, tf.mul(missedMass(looks, visual.targets), visual.weight));
    if (reading && readLooks) loss = tf.add(loss, tf.mul(missedMass(readLooks, reading.targets), reading.weight));
    if (copy) loss = tf.add(loss, tf.mul(missedMass(reads, copy.targets), copy.weight));
    if (sentence && picks) loss = tf.add(loss, tf.mul(missedMass(picks, sentence.targets), sentence.weight));
    if (sentence && ctx.sentences?.salience) loss = tf.add(loss, tf.mul(salienceLoss(ctx.sentences, sentence.targets), sentence.weight));
    if (coverage) loss = tf.add(loss, tf.mul(tf.div(tf.sum(tf.mul(coverageLoss, targetMask)), tokens), coverage));
    return loss;
  });
}

/** Multiply–adds × 2 of one decoding step for one study (the model card's FLOPs). */
export function decoderStepFlops(c: FusionDecoderConfig, regions: number, contextTokens: number): number {
  const fed = fedWidth(c);
  const sentences = c.sentenceAttention?.maxSentences ?? 0;
  const mac =
    c.vocab * c.embed + // embedding (one-hot × matrix)
    c.hidden * c.attention + regions * c.attention + regions * readRegionDim(c) + // visual attention: query, scores, context
    (c.pointingAttention ? c.hidden * c.attention + regions * c.attention + (c.sentenceGuidedVision ? c.tokenDim * c.attention : 0) : 0) + // the pointing attention: query, scores
    (c.embed + readRegionDim(c) + fed + c.hidden) * 4 * c.hidden + // LSTM
    (c.hidden + fed + visualOutputWidth(c)) * c.vocab + // generated distribution
    regions * (c.regionLobes?.lobes ?? 0) + // l_y
    (c.sentenceGuidedVision ? c.tokenDim * c.attention : 0) + // the visual query's sentence part
    c.hidden * c.attention + contextTokens * (c.attention + 1) + contextTokens * c.tokenDim + // text attention with coverage
    (c.temporalAttention ? 3 * contextTokens : 0) + // its intra-temporal normalisation
    contextTokens * c.vocab + // copy distribution
    (sentences ? c.hidden * c.attention + sentences * (c.attention + 1 + c.tokenDim) + sentences * contextTokens : 0) + // sentence attention, its bias on the tokens
    (c.remainingSentences ? 2 * sentences * (c.tokenDim + 2) : 0) + // r_y, for the LSTM and for the output
    c.tokenDim + c.hidden; // gate
  return 2 * mac;
}

/** FLOPs of encoding the context once per summary (its convolution blocks; with sentence attention, the sentences' means and keys). */
export function contextEncoderFlops(c: FusionDecoderConfig, contextTokens: number): number {
  const s = c.sentenceAttention?.maxSentences ?? 0;
  return c.contextEncoder.dilations.length * 2 * contextTokens * 3 * c.tokenDim * c.tokenDim + 2 * s * c.tokenDim * (contextTokens + c.attention + (c.remainingSentences ? 1 : 0));
}
