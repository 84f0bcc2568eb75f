/** Re-registering a tfjs-backend-wasm kernel with Tuwen's own (the speed fixes beside this file), and the heap views they read. */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** A tensor's data as a view of the wasm heap. Made after any allocation: growing the heap detaches earlier views. */
export type Heap = Float32Array | Int32Array | Uint8Array;
export const heapView = (backend: BackendWasm, t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Heap;

const replaced = new Set<string>();

/**
 * Replaces wasm's kernel `name` with `impl`, which may hand a call back to tfjs's own kernel (`original`).
 * Once per kernel: a second call for the same name does nothing.
 */
export function replaceWasmKernel(name: string, impl: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>): void {
  if (replaced.has(name)) return;
  const original = tf.getKernel(name, 'wasm');
  if (!original) throw new Error(`the wasm backend has no ${name} kernel to replace`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: (args) => impl(args, original.kernelFunc) });
  replaced.add(name);
}
