/**
 * The image encoder's float input from byte images, made on a worker thread one batch ahead of training.
 * Turning a batch of 16 byte volumes (33.5 M voxels) into floats took ~0.3 s of a ~1.4 s pretraining step
 * on the main thread; tfjs's wasm backend computes on one core, so the other does this meanwhile. The
 * floats come from a table of tf.div(byte, 255) computed by the training backend itself, so a prepared
 * batch equals `imageBatch`'s to the bit (a unit test checks it).
 */
import * as tf from '@tensorflow/tfjs';
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../platform/tsWorker.ts';

export interface BatchRequest {
  id: number;
  images: Uint8Array[];
}

export interface BatchReply {
  id: number;
  values: Float32Array;
}

/** byte → float as the backend divides it by 255: 256 entries. */
export function byteTable(): Float32Array {
  return tf.tidy(() => tf.div(tf.range(0, 256, 1, 'float32'), 255).dataSync() as Float32Array);
}

/** The images one after another, each byte looked up in `table`. */
export function bytesToFloats(images: readonly Uint8Array[], table: Float32Array): Float32Array {
  const out = new Float32Array(images.reduce((n, image) => n + image.length, 0));
  let at = 0;
  for (const image of images) {
    for (let i = 0; i < image.length; i++) out[at + i] = table[image[i]!]!;
    at += image.length;
  }
  return out;
}

/** One worker thread that turns byte images into float batches, in the order asked. */
export class ImageBatchConverter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private closed = false;

  constructor() {
    this.worker = tsWorker(new URL('./imageBatchWorker.ts', import.meta.url), byteTable());
    this.worker.on('message', ({ id, values }: BatchReply) => {
      this.pending.get(id)?.resolve(values);
      this.pending.delete(id);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => this.closed || fail(new Error(`the image batch worker stopped with exit code ${code}`)));
  }

  /** The images' floats, one after another (the caller keeps its images: they are copied to the worker). */
  convert(images: Uint8Array[]): Promise<Float32Array> {
    if (this.closed) return Promise.reject(new Error('the image batch converter is closed'));
    const id = this.nextId++;
    const reply = new Promise<Float32Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.worker.postMessage({ id, images } satisfies BatchRequest);
    return reply;
  }

  /** Stops the worker; a batch still on its way is dropped (its promise never settles). */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    await this.worker.terminate();
  }
}
