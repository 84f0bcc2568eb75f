/** Worker side of `ImageBatchConverter`: byte images → one float batch through the lookup table, moved back, not copied. */
import { parentPort, workerData } from 'node:worker_threads';
import { bytesToFloats, type BatchReply, type BatchRequest } from './imageBatches.ts';

const table = workerData as Float32Array;
parentPort!.on('message', ({ id, images }: BatchRequest) => {
  const values = bytesToFloats(images, table);
  parentPort!.postMessage({ id, values } satisfies BatchReply, [values.buffer as ArrayBuffer]);
});
