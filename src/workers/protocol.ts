/**
 * The typed messages between the page and the Tuwen worker. Every request carries a requestId; every
 * event answers one. Both directions are discriminated unions, each handled by one exhaustive switch.
 */
import type { FindingType, Location } from '../corpus/schema.ts';
import type { BackendName, BackendRequest } from '../inference/backend.ts';
import type { IntakeErrorCode } from '../intake/errors.ts';
import type { Volume } from '../intake/types.ts';

/** A finding read from the image that the text leaves out: its type and its place. */
export type ImagedFinding = { type: FindingType; place?: Location };

/** A file as the page hands it over (its bytes are transferred, not copied). */
export interface FilePayload {
  name: string;
  bytes: ArrayBuffer;
}

/** How a summary is decoded (the page's settings). */
export interface SummarySettings {
  /** 1 = greedy (tokens stream one by one); more = beam search (tokens arrive at the end). */
  beamSize: number;
  lengthPenalty: number;
  /** Keep brackets well formed, as the reference passages do (retrieval model, beam search only). */
  balancedBrackets: boolean;
  /** Once the summary numbers its first item "1、", number the later ones in sequence (either model, greedy or beam). */
  sequentialItems: boolean;
  /** With sequentialItems: a numbered summary has at least an item per input sentence the model rates salient (retrieval model). */
  salientItems: boolean;
  /** Where the input sentence an item restates names no place, weigh its side and level by the image: the lesion detector's or else the pointing attention's lobes (`lobeWeighing`; retrieval model with `lungLobes` or `regionLobes`, others ignore it). */
  omittedLobes: boolean;
  /** A count (共N枚) only with a number the input text states: the restated sentence's where it counts, else the whole text's (either model). */
  statedCounts: boolean;
  /** Passages retrieved into the decoder's context. */
  k: number;
  maxLength: number;
}

export type WorkerRequest =
  /** Decode the files into one study (a single image, a multi-frame file or a series); the worker keeps its values for summaries. */
  | { type: 'open'; requestId: number; files: FilePayload[] }
  /** Start tfjs on the first backend of the request's `preferred` that works, run the self-test, report which one. */
  | { type: 'init-backend'; requestId: number; request: BackendRequest }
  /** Fetch, verify (size, SHA-256) and load an exported model; `base` is the absolute URL of its folder. */
  | { type: 'load-model'; requestId: number; base: string }
  /** Summarise the last opened study with this text: context first, then one event per token, then done. */
  | { type: 'summarize'; requestId: number; text: string; settings: SummarySettings }
  /** Stop the summary request `target` (it ends with a 'cancelled' error). */
  | { type: 'cancel'; requestId: number; target: number };

/**
 * What the viewer needs of a study: the volume without its Float32 modality values (the viewer maps the
 * stored values through slope/intercept itself), plus the stored range and the decode time.
 */
export type StudyView = Omit<Volume, 'modality'> & {
  storedRange: { min: number; max: number };
  decodeMs: number;
};

export interface WorkerError {
  /** An intake error code, a model or summary error, or 'internal' for a bug (which the page reports as such). */
  code: IntakeErrorCode | 'internal' | 'backend-failed' | 'model-missing' | 'model-corrupt' | 'no-model' | 'no-study' | 'cancelled';
  message: string;
}

/** A retrieved passage as the page lists it. */
export interface PassageView {
  id: string;
  text: string;
  score: number;
  /** Its tokens, when it is one of the k in the decoder's context (for highlighting attention). */
  tokens?: string[];
}

/** Milliseconds per stage of a summary. */
export interface SummaryTimingsView {
  encode: number;
  retrieve: number;
  /** Decoding: first token, and all tokens. */
  firstToken?: number;
  decode?: number;
  tokens?: number;
}

/**
 * One generated token, streamed while a summary is decoded: the token, the fusion gate β (share taken
 * from retrieved text), attention over image regions, and weights over the tokens of each retrieved
 * passage and of the input text.
 */
export interface TokenEvent {
  type: 'token';
  requestId: number;
  index: number;
  token: string;
  /** Milliseconds since decoding began, when this token was ready. */
  ms: number;
  /** The fusion gate; null for the generative model, which has none. */
  beta: number | null;
  /** Attention over image regions: slices × grid rows × grid columns, normalised to sum 1; a model with a pointing head gives the head's. */
  visualAttention: { shape: [number, number, number]; weights: Float32Array };
  /** A model with a pointing head: the attention its decoder reads the image through, over the same regions. */
  readingWeights?: Float32Array;
  /** Per retrieved passage, weights over its tokens; then the input text's token weights. */
  passageWeights: Float32Array[];
  textWeights: Float32Array;
  /** A model with sentence attention: its weights over the input text's sentences, in order (`sentenceSpans` of inputTokens). */
  sentenceWeights?: Float32Array;
}

export type WorkerEvent =
  | { type: 'progress'; requestId: number; stage: 'decoding' | 'assembling'; done: number; total: number; file?: string }
  | { type: 'opened'; requestId: number; study: StudyView }
  | {
      type: 'backend-ready';
      requestId: number;
      backend: BackendName;
      skipped: { backend: BackendName; reason: string }[];
      selfTest: number[];
      /** Measured matMul throughput on this backend, GFLOP/s (what a FLOP budget divides by). */
      gflops: number;
      ms: number;
    }
  | { type: 'model-progress'; requestId: number; loaded: number; total: number; file: string }
  | {
      type: 'model-ready';
      requestId: number;
      name: string;
      kind: 'retrieval' | 'generative';
      params: number;
      bytes: number;
      ms: number;
      backend: string;
      /** The retrieval model's number of passages in its decoder's context, as it was trained. */
      k?: number;
      /** The longest summary (tokens) the model was trained to write: the page's default maximum length. */
      maxSummary: number;
      /** λ of the MMR order its passages are ranked in (as its decoder was trained); absent: by score. */
      mmr?: number;
    }
  | {
      type: 'summary-context';
      requestId: number;
      /** Tokens in the decoder's context (passages, then input text). */
      contextLength: number;
      passages: PassageView[];
      /** The input text's tokens (the last part of the decoder's context). */
      inputTokens: string[];
      /** How many of their last sentences the page added: findings read from the image that the text leaves out. */
      imagedSentences: number;
      regionShape: [number, number, number];
      timings: SummaryTimingsView;
    }
  | TokenEvent
  | {
      type: 'summary-done';
      requestId: number;
      summary: string;
      timings: SummaryTimingsView;
      /** Findings the text leaves out that the summary writes from the image ("左肺上叶肺气肿"; `omittedEmphysema`). */
      imaged: ImagedFinding[];
      /** The worker's tfjs memory after the summary (a leak shows as growth across summaries). */
      memory: { tensors: number; bytes: number };
    }
  /** Beam search: decoding steps done so far (its tokens come when it ends), at most maxLength. */
  | { type: 'beam-step'; requestId: number; steps: number; maxLength: number }
  /** Unasked (requestId 0): the WebGPU device was lost or raised an error (`reason` says which); the worker now runs on `backend` with the model reloaded. */
  | { type: 'backend-lost'; requestId: 0; backend: BackendName; reason: string }
  | { type: 'error'; requestId: number; error: WorkerError };
