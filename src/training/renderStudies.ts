/**
 * Rendering corpus studies to the image encoder's input on worker threads. Rendering is a pure function of
 * (seed, index), so the studies come back the same and in the same order as on one thread. On this 2-core
 * machine two workers render 1.5–1.7× faster than one (tfjs's wasm backend leaves the second core idle).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import type { Split } from '../corpus/splits.ts';
import type { Study } from '../corpus/study.ts';
import { tsWorker } from '../platform/tsWorker.ts';
import { imageExample, type ImageExample } from './imageExamples.ts';
import { studyRecord, type CachedStudy } from './studyCache.ts';

/** A study as image pretraining reads it: texts and truth, and the encoder input in place of features. */
export type RenderedStudy = Omit<CachedStudy, 'features' | 'category'> & { image: ImageExample };

export function renderStudy(s: Study, c: ImageEncoderConfig): RenderedStudy {
  return { ...studyRecord(s), image: imageExample(s, c) };
}

/** What one worker renders: every `stride`-th index of the first n from `first` on, those of `split` only. */
export interface RenderJob {
  seed: number;
  n: number;
  split: Split;
  size: number;
  image: ImageEncoderConfig;
  first: number;
  stride: number;
}

/** A worker's message per index it went through; `study` is absent for an index of another split. */
export interface RenderedIndex {
  index: number;
  study?: RenderedStudy;
}

/** The studies of one split among the first n of a seed, rendered on `threads` workers, in index order. */
export async function renderSplit(
  job: Omit<RenderJob, 'first' | 'stride'>,
  onProgress?: (done: number) => void,
  threads = Math.max(1, Math.min(availableParallelism(), job.n)),
): Promise<RenderedStudy[]> {
  const byIndex: (RenderedStudy | undefined)[] = new Array(job.n);
  let done = 0;
  const workers: Worker[] = [];
  const finished = Array.from({ length: threads }, (_, first) => new Promise<void>((resolve, reject) => {
    const worker = tsWorker(new URL('./renderWorker.ts', import.meta.url), { ...job, first, stride: threads } satisfies RenderJob);
    workers.push(worker);
    worker.on('message', (m: RenderedIndex) => {
      byIndex[m.index] = m.study;
      done += 1;
      onProgress?.(done);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a rendering worker stopped with exit code ${code}`))));
  }));
  try {
    await Promise.all(finished);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  if (done !== job.n) throw new Error(`rendering workers went through ${done} of ${job.n} studies`);
  return byIndex.filter((s): s is RenderedStudy => s !== undefined);
}
