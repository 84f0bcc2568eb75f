/**
 * The typed messages between the page and the Tuwen worker. Every request carries a requestId; every
 * event answers one. Both directions are discriminated unions, each handled by one exhaustive switch.
 */
import type { BackendName } from '../inference/backend.ts';
import type { IntakeErrorCode } from '../intake/errors.ts';
import type { Volume } from '../intake/types.ts';

/** A file as the page hands it over (its bytes are transferred, not copied). */
export interface FilePayload {
  name: string;
  bytes: ArrayBuffer;
}

export type WorkerRequest =
  /** Decode the files into one study (a single image, a multi-frame file or a series). */
  | { type: 'open'; requestId: number; files: FilePayload[] }
  /** Start tfjs on the first backend of `preferred` that works, run the self-test, report which one. */
  | { type: 'init-backend'; requestId: number; preferred: BackendName[] };

/**
 * What the viewer needs of a study: the volume without its Float32 modality values (the viewer maps the
 * stored values through slope/intercept itself), plus the stored range and the decode time.
 */
export type StudyView = Omit<Volume, 'modality'> & {
  storedRange: { min: number; max: number };
  decodeMs: number;
};

export interface WorkerError {
  /** An intake error code, or 'internal' for a bug (which the page reports as such). */
  code: IntakeErrorCode | 'internal' | 'backend-failed';
  message: string;
}

/**
 * One generated token, streamed while a summary is decoded (emitted by the summarizer, a later stage):
 * the token, the fusion gate β (share taken from retrieved text), attention over image regions, and
 * weights over the tokens of each retrieved passage and of the input text.
 */
export interface TokenEvent {
  type: 'token';
  requestId: number;
  index: number;
  token: string;
  beta: number;
  /** Attention over image regions: slices × grid rows × grid columns, normalised to sum 1. */
  visualAttention: { shape: [number, number, number]; weights: Float32Array };
  /** Per retrieved passage, weights over its tokens; then the input text's token weights. */
  passageWeights: Float32Array[];
  textWeights: Float32Array;
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
      ms: number;
    }
  | TokenEvent
  | { type: 'error'; requestId: number; error: WorkerError };
