/** Worker side of `renderSplit`: renders its share of the split and posts each study back, its arrays moved, not copied. */
import { parentPort, workerData } from 'node:worker_threads';
import { splitOf } from '../corpus/splits.ts';
import { generateStudy } from '../corpus/study.ts';
import { renderStudy, type RenderedIndex, type RenderJob } from './renderStudies.ts';

const { seed, n, split, size, image, first, stride } = workerData as RenderJob;
for (let index = first; index < n; index += stride) {
  const study = splitOf(seed, index) === split ? renderStudy(generateStudy(seed, index, { size }), image) : undefined;
  const moved = study ? [...new Set([study.image.image.buffer, study.image.regionTargets.buffer])] : [];
  parentPort!.postMessage({ index, ...(study ? { study } : {}) } satisfies RenderedIndex, moved as ArrayBuffer[]);
}
