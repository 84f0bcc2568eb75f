/// <reference lib="webworker" />
/**
 * The Tuwen worker: all heavy work — decoding images, loading the model, summarising — runs here, off
 * the page's thread. Requests come in as WorkerRequest, answers go out as WorkerEvent (see protocol.ts).
 * The opened study's modality values stay here (the page only gets the stored frames to display).
 */
import * as tf from '@tensorflow/tfjs';
import { matMulThroughput, selectBackend, selfTest, type BackendRequest } from '../inference/backend.ts';
import { loadExportedModel, type ExportedFiles } from '../inference/exportedModel.ts';
import { lobeWeighing } from '../inference/pageDecoding.ts';
import { ModelFileError, readModelFiles } from '../inference/modelFiles.ts';
import type { Grid } from '../inference/preprocess.ts';
import type { Summarizer } from '../inference/summarizer.ts';
import { toIntakeError } from '../intake/errors.ts';
import { browserIntakeEnv } from '../platform/browser.ts';
import { contextView, splitTextWeights } from './contextSplit.ts';
import { fetchSource } from './fetchSource.ts';
import { openStudy } from './openStudy.ts';
import type { SummarySettings, WorkerError, WorkerEvent, WorkerRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const env = browserIntakeEnv();

/** The last opened study, as the summarizer reads it. */
let current: { modality: Float32Array; grid: Grid } | undefined;
let model: Summarizer | undefined;
/** The loaded model's verified files, kept to rebuild it on another backend if the GPU goes away. */
let modelFiles: ExportedFiles | undefined;
/** Settles once the worker is usable again after WebGPU failed (wasm, model reloaded). */
let recovering: Promise<void> | undefined;
/** How many times WebGPU has failed: work that sees it change while it ran has garbage results. */
let fallbacks = 0;
/** Summaries in flight, by request id, so that 'cancel' can stop them. */
const running = new Map<number, AbortController>();

class CodedError extends Error {
  constructor(
    readonly code: WorkerError['code'],
    message: string,
  ) {
    super(message);
  }
}

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, transfer);
}

async function open(requestId: number, files: { name: string; bytes: ArrayBuffer }[]): Promise<void> {
  const opened = await openStudy(files, env, (done, total, file) => post({ type: 'progress', requestId, stage: done < total ? 'decoding' : 'assembling', done, total, ...(file ? { file } : {}) }));
  current = opened.current;
  // Stored frames are transferred to the page, not copied.
  post({ type: 'opened', requestId, study: opened.study }, opened.transfer);
}

async function initBackend(requestId: number, request: BackendRequest): Promise<void> {
  const started = performance.now();
  const choice = await selectBackend(request);
  if (choice.backend === 'webgpu') watchDevice();
  const result = await selfTest();
  const ms = performance.now() - started;
  post({ type: 'backend-ready', requestId, ...choice, selfTest: Array.from(result), gflops: await matMulThroughput(), ms });
}

/**
 * A lost WebGPU device (driver reset, GPU removed, out of GPU memory) takes every tensor with it, and a
 * WebGPU validation error (a kernel whose shader does not compile) makes WebGPU drop the whole batch of
 * commands it was in, so every value read back after it is garbage. Either way: switch to wasm, rebuild
 * the model there from its files, tell the page; a summary that ran meanwhile is run again.
 */
function watchDevice(): void {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  // The device's first failure decides; its later errors are consequences.
  let failed = false;
  const fail = (reason: string) => {
    if (!failed) fallBackToWasm(reason);
    failed = true;
  };
  void device?.lost.then((info) => fail(`device lost: ${info.message || info.reason}`));
  device?.addEventListener('uncapturederror', (event) => fail(`WebGPU error: ${(event as GPUUncapturedErrorEvent).error.message.split('\n')[0]}`));
}

function fallBackToWasm(reason: string): void {
  fallbacks++;
  recovering = (async () => {
    model = undefined;
    await tf.setBackend('wasm');
    if (modelFiles) model = loadExportedModel(modelFiles);
    post({ type: 'backend-lost', requestId: 0, backend: 'wasm', reason });
  })();
}

/** Resolves once the GPU has run all submitted work, so that errors it raised have been reported (a no-op off WebGPU). */
async function gpuSettled(): Promise<void> {
  await (tf.backend() as unknown as { device?: GPUDevice }).device?.queue.onSubmittedWorkDone();
}

async function loadModel(requestId: number, base: string): Promise<void> {
  const started = performance.now();
  let lastPost = 0;
  const { manifest, files } = await readModelFiles(fetchSource(base), (loaded, total, file) => {
    // Progress at most every 50 ms, and always the last.
    if (loaded === total || performance.now() - lastPost > 50) {
      lastPost = performance.now();
      post({ type: 'model-progress', requestId, loaded, total, file });
    }
  });
  model?.dispose();
  model = undefined;
  const loaded = loadExportedModel(files);
  modelFiles = files;
  // Warm-up: one short summary of a blank slice compiles the backend's kernels before the user waits on them.
  const g = loaded.config.image.grid;
  const attempt = fallbacks;
  await loaded.summarize({ modality: new Float32Array(g.height * g.width).fill(-1000), grid: { depth: 1, height: g.height, width: g.width }, text: '' }, { beamSize: 1, lengthPenalty: 0, maxLength: 2 });
  await gpuSettled();
  if (fallbacks !== attempt) {
    // The warm-up failed on WebGPU: the model now runs on wasm, rebuilt from the same files.
    await recovering;
    loaded.dispose();
  } else model = loaded;
  if (!model) throw new Error('the model could not be rebuilt on wasm');
  const ready = model;
  post({ type: 'model-ready', requestId, name: manifest.model, kind: ready.config.kind, params: ready.params, bytes: manifest.files.reduce((n, f) => n + f.bytes, 0), ms: performance.now() - started, backend: tf.getBackend(), maxSummary: ready.config.maxSummary, ...(ready.config.kind === 'retrieval' ? { k: ready.config.k, ...(ready.config.mmr === undefined ? {} : { mmr: ready.config.mmr }) } : {}) });
}

async function summarize(requestId: number, text: string, settings: SummarySettings): Promise<void> {
  const attempt = fallbacks;
  try {
    return await summarizeOnce(requestId, text, settings);
  } catch (err) {
    // The device went away or failed mid-summary: once the worker is back on wasm, run it again.
    if (fallbacks === attempt || (err instanceof DOMException && err.name === 'AbortError')) throw err;
    return summarizeOnce(requestId, text, settings);
  }
}

async function summarizeOnce(requestId: number, text: string, settings: SummarySettings): Promise<void> {
  if (recovering) await recovering;
  if (!model) throw new CodedError('no-model', 'the model is not loaded');
  if (!current) throw new CodedError('no-study', 'open an image first');
  const attempt = fallbacks;
  const controller = new AbortController();
  running.set(requestId, controller);
  const started = performance.now();
  let firstToken: number | undefined;
  // Set once the passages are retrieved: each passage's token count, and the region grid.
  let counts: number[] = [];
  let regionShape: [number, number, number] = [0, 0, 0];
  let decodeStart = started;
  try {
    const result = await model.summarize(
      { ...current, text },
      {
        beamSize: settings.beamSize,
        lengthPenalty: settings.lengthPenalty,
        balancedBrackets: settings.balancedBrackets,
        sequentialItems: settings.sequentialItems,
        salientItems: settings.salientItems,
        ...lobeWeighing(settings.omittedLobes, model.config),
        statedCounts: settings.statedCounts,
        k: settings.k,
        maxLength: settings.maxLength,
        signal: controller.signal,
        onRetrieved(context, timings) {
          counts = context.passageTokenCounts;
          regionShape = context.regionShape;
          decodeStart = performance.now();
          post({ type: 'summary-context', requestId, contextLength: context.contextTokens.length, ...contextView(context), imagedSentences: context.imagedSentences, regionShape: context.regionShape, timings });
        },
        onStep(steps) {
          post({ type: 'beam-step', requestId, steps, maxLength: settings.maxLength });
        },
        onToken(token, index) {
          firstToken ??= performance.now() - started;
          post({ type: 'token', requestId, index, token: token.text, ms: performance.now() - decodeStart, beta: token.beta, visualAttention: { shape: regionShape, weights: token.visualAttention.slice() }, ...(token.readingAttention ? { readingWeights: token.readingAttention.slice() } : {}), ...splitTextWeights(token.textAttention, counts), ...(token.sentenceAttention ? { sentenceWeights: token.sentenceAttention.slice() } : {}) });
        },
      },
    );
    await gpuSettled();
    if (fallbacks !== attempt) throw new Error('WebGPU failed during this summary');
    const memory = tf.memory();
    post({ type: 'summary-done', requestId, summary: result.summary, imaged: result.imaged.map(({ type, place }) => (place === undefined ? { type } : { type, place })), timings: { ...result.timings, firstToken: firstToken ?? result.timings.encode + result.timings.retrieve }, memory: { tensors: memory.numTensors, bytes: memory.numBytes } });
  } finally {
    running.delete(requestId);
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'open':
      return open(request.requestId, request.files);
    case 'init-backend':
      return initBackend(request.requestId, request.request);
    case 'load-model':
      return loadModel(request.requestId, request.base);
    case 'summarize':
      return summarize(request.requestId, request.text, request.settings);
    case 'cancel':
      running.get(request.target)?.abort();
      return;
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

/** Any failure as the protocol's error: coded errors keep their code, the rest are named by the request. */
function toWorkerError(err: unknown, request: WorkerRequest): WorkerError {
  if (err instanceof CodedError || err instanceof ModelFileError) return { code: err.code, message: err.message };
  if (err instanceof DOMException && err.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' };
  const message = err instanceof Error ? err.message : String(err);
  switch (request.type) {
    case 'init-backend':
      return { code: 'backend-failed', message };
    case 'open':
      return toIntakeError(err, 'decode-failed');
    case 'load-model':
      return { code: 'model-corrupt', message };
    default:
      return { code: 'internal', message };
  }
}

self.onmessage = (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  handle(request).catch((err: unknown) => {
    const { code, message: text } = toWorkerError(err, request);
    post({ type: 'error', requestId: request.requestId, error: { code, message: text } });
  });
};
