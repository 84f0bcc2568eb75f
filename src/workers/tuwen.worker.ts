/// <reference lib="webworker" />
/**
 * The Tuwen worker: all heavy work (decoding, and later the models) runs here, off the page's thread.
 * Requests come in as WorkerRequest, answers go out as WorkerEvent (see protocol.ts).
 */
import { selectBackend, selfTest } from '../inference/backend.ts';
import { toIntakeError } from '../intake/errors.ts';
import { decodeFile } from '../intake/intake.ts';
import { assembleVolume } from '../intake/series.ts';
import type { DecodedImage, StoredPixels } from '../intake/types.ts';
import { browserIntakeEnv } from '../platform/browser.ts';
import type { StudyView, WorkerEvent, WorkerRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

const env = browserIntakeEnv();

function post(event: WorkerEvent, transfer: Transferable[] = []): void {
  self.postMessage(event, transfer);
}

function storedRange(frames: StoredPixels[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const frame of frames) {
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

async function open(requestId: number, files: { name: string; bytes: ArrayBuffer }[]): Promise<void> {
  const started = performance.now();
  const images: DecodedImage[] = [];
  for (const [i, file] of files.entries()) {
    post({ type: 'progress', requestId, stage: 'decoding', done: i, total: files.length, file: file.name });
    images.push(await decodeFile({ name: file.name, bytes: new Uint8Array(file.bytes) }, env));
  }
  post({ type: 'progress', requestId, stage: 'assembling', done: files.length, total: files.length });
  const volume = assembleVolume(images);
  // The page needs no Float32 modality values (the viewer maps stored values itself), so they are not sent.
  const { modality: _notSent, ...view } = volume;
  const study: StudyView = { ...view, storedRange: storedRange(volume.stored), decodeMs: performance.now() - started };
  // Stored frames are transferred to the page, not copied.
  post({ type: 'opened', requestId, study }, volume.stored.map((f) => f.buffer as ArrayBuffer));
}

async function initBackend(requestId: number, preferred: Parameters<typeof selectBackend>[0]): Promise<void> {
  const started = performance.now();
  const choice = await selectBackend(preferred);
  const result = await selfTest();
  post({ type: 'backend-ready', requestId, ...choice, selfTest: Array.from(result), ms: performance.now() - started });
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'open':
      return open(request.requestId, request.files);
    case 'init-backend':
      return initBackend(request.requestId, request.preferred);
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

self.onmessage = (message: MessageEvent<WorkerRequest>) => {
  const request = message.data;
  handle(request).catch((err: unknown) => {
    const intake = toIntakeError(err, 'decode-failed');
    const code = request.type === 'init-backend' ? 'backend-failed' : intake.code;
    post({ type: 'error', requestId: request.requestId, error: { code, message: intake.message } });
  });
};
