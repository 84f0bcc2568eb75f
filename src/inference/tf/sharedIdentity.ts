/**
 * A tfjs speed fix for training on the wasm backend: every tensor an op saves for its gradient is cloned
 * (`engine.clone`, the Identity kernel), and wasm's Identity copies the data, where the cpu backend's and
 * wasm's own Reshape share it. A decoder training step clones about 21,000 tensors, up to 2 MB each: 7 % of
 * its kernel time (a `tf.profile`, 2026-12-06), and with the allocations a fifth of the step. Tensors are immutable, so the clone can share the input's
 * heap memory, counted by reference as Reshape counts it; the values are the same (tested).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { replaceWasmKernel } from './replaceKernel.ts';

/** Re-registers wasm's Identity to share its input's memory (once; string tensors keep tfjs's own kernel). */
export function installSharedIdentity(): void {
  replaceWasmKernel('Identity', (args, original) => {
    const x = args.inputs['x']!;
    if (x.dtype === 'string') return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
