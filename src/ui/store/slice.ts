/** What every slice of the page's store shares: the whole state's type, the slice creator type, the worker's session. */
import type { StateCreator } from 'zustand';
import type { BackendRequest } from '../../inference/backend.ts';
import type { WorkerError } from '../../workers/protocol.ts';
import type { WorkerClient } from '../workerClient.ts';
import type { AppSlice } from './app.ts';
import type { StudySlice } from './study.ts';
import type { SummarySlice } from './summary.ts';
import type { TextSlice } from './text.ts';
import type { ViewSlice } from './view.ts';

export type TuwenState = StudySlice & ViewSlice & TextSlice & AppSlice & SummarySlice;
export type Slice<T> = StateCreator<TuwenState, [['zustand/persist', unknown]], [], T>;

/** What a fresh worker needs to be where the old one was: backend, model, the open study's files. */
export interface WorkerSession {
  backendRequest?: BackendRequest;
  modelBase?: string;
  files?: File[];
}

/** The worker and its session, handed to the slices whose actions talk to it. */
export interface WorkerLink {
  worker: WorkerClient;
  session: WorkerSession;
}

export function isWorkerError(err: unknown): err is WorkerError {
  return typeof err === 'object' && err !== null && 'code' in err && 'message' in err;
}
