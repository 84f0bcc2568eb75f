/** Re-registering a tfjs-backend-wasm kernel with Tuwen's own (the speed fixes beside this file). */
import * as tf from '@tensorflow/tfjs';

/** Replaces wasm's kernel `name` with `impl`, which may hand a call back to tfjs's own kernel (`original`). */
export function replaceWasmKernel(name: string, impl: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original) throw new Error(`the wasm backend has no ${name} kernel to replace`);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: (args) => impl(args, original.kernelFunc) });
}
