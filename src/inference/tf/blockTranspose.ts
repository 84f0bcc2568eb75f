/**
 * A tfjs speed fix for training on the wasm backend: its Transpose kernel moves one element at a time through
 * generic index arithmetic, 4–8× slower than a blocked loop in JavaScript over views of the wasm heap (a
 * [262144, 64] matrix, the image encoder's patches that every weight gradient transposes: 326 ms against 53).
 * Re-registered for the large transposes training makes — the last two axes swapped, batched or not — it
 * copies 16 × 16 tiles, so reads and writes both stay in cache; the values are the same copies (tested).
 * Other permutations and small tensors keep tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, replaceWasmKernel, type Heap } from './replaceKernel.ts';

const TILE = 16;
/** Below this many elements tfjs's kernel is as fast (a decoder step's hundreds of small transposes: measured slower in JavaScript). */
const MIN_SIZE = 1 << 16;

/** Writes the transpose of each rows × cols matrix of `x` (`batches` of them, one after another) into `out`. */
export function transposeLastTwo(x: Heap, batches: number, rows: number, cols: number, out: Heap): void {
  const size = rows * cols;
  for (let b = 0; b < batches; b++) {
    const base = b * size;
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(rows, i0 + TILE);
      for (let j0 = 0; j0 < cols; j0 += TILE) {
        const j1 = Math.min(cols, j0 + TILE);
        for (let i = i0; i < i1; i++) {
          const from = base + i * cols;
          for (let j = j0; j < j1; j++) out[base + j * rows + i] = x[from + j]!;
        }
      }
    }
  }
}

/** Does `perm` swap the last two axes and keep the others in place? */
function swapsLastTwo(perm: number[]): boolean {
  const r = perm.length;
  return r >= 2 && perm[r - 1] === r - 2 && perm[r - 2] === r - 1 && perm.slice(0, r - 2).every((p, i) => p === i);
}

/** Re-registers wasm's Transpose with the tiled copy above for large last-two-axes swaps. */
export function installBlockTranspose(): void {
  replaceWasmKernel('Transpose', (args, original) => {
    const x = args.inputs['x']!;
    const perm = args.attrs!['perm'] as number[];
    const size = tf.util.sizeFromShape(x.shape);
    if (x.dtype === 'string' || size < MIN_SIZE || !swapsLastTwo(perm)) return original(args);
    const backend = args.backend as BackendWasm;
    const r = x.shape.length;
    const [rows, cols] = [x.shape[r - 2]!, x.shape[r - 1]!];
    const out = backend.makeOutput(perm.map((p) => x.shape[p]!), x.dtype);
    transposeLastTwo(heapView(backend, x), size / (rows * cols), rows, cols, heapView(backend, out));
    return out;
  });
}
