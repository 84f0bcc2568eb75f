/**
 * A tfjs speed fix for the wasm backend: its Slice kernel copies the whole input out of the wasm heap
 * (`readSync`, a `HEAPU8.slice`) before taking the slice, and its Unpack and SplitV slice once per output.
 * So the gradient of `tf.stack` over a summary's 70 steps, an unstack of a [32, 70, 256] tensor, copies
 * that tensor 70 times: 13 % of a decoder training step's kernel time (a `tf.profile`, 2026-12-03); with
 * that fixed, the gradients of the decoder's per-step concats (SplitV) were 18 %. These kernels read the
 * input through a view of the heap instead; the values are the same copies (tested).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapView, replaceWasmKernel, type Heap } from './replaceKernel.ts';
type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Copies the box `begin`…`begin + size` of `x` (laid out row-major with `shape`) into `out`, one run of the last axis at a time. */
export function copyBox(x: Heap, shape: readonly number[], begin: readonly number[], size: readonly number[], out: Heap): void {
  if (out.length === 0) return;
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  const strides = tf.util.computeStrides([...shape]);
  const run = size[rank - 1]!;
  const at = new Array<number>(rank - 1).fill(0);
  for (let row = 0; row * run < out.length; row++) {
    let offset = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) offset += (begin[d]! + at[d]!) * strides[d]!;
    out.set(x.subarray(offset, offset + run), row * run);
    for (let d = rank - 2; d >= 0 && ++at[d]! === size[d]; d--) at[d] = 0;
  }
}

function slice(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs['x']!;
  const backend = args.backend as BackendWasm;
  const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs!['begin'] as number[], args.attrs!['size'] as number[]) as [number[], number[]];
  const out = backend.makeOutput(size, x.dtype);
  // Views after the allocation: growing the heap detaches earlier ones.
  copyBox(heapView(backend, x), x.shape, begin, size, heapView(backend, out));
  return out;
}

/**
 * Splits `x` along `axis` into pieces of `sizes`, each copied from a heap view; `shapeOf` gives each output
 * its shape from its box (Unpack drops the axis, SplitV keeps it).
 */
function copySplits(backend: BackendWasm, x: tf.TensorInfo, axis: number, sizes: number[], shapeOf: (box: number[]) => number[]): tf.TensorInfo[] {
  const boxes = sizes.map((s) => x.shape.map((n, d) => (d === axis ? s : n)));
  const outs = boxes.map((box) => backend.makeOutput(shapeOf(box), x.dtype));
  const view = heapView(backend, x); // after the allocations, as in slice()
  let start = 0;
  outs.forEach((out, i) => {
    copyBox(view, x.shape, x.shape.map((_, d) => (d === axis ? start : 0)), boxes[i]!, heapView(backend, out));
    start += sizes[i]!;
  });
  return outs;
}

function unpack(args: KernelArgs): tf.TensorInfo[] {
  const value = args.inputs['value']!;
  const rank = value.shape.length;
  const axis = ((args.attrs!['axis'] as number) + rank) % rank;
  const ones = new Array<number>(value.shape[axis]!).fill(1);
  return copySplits(args.backend as BackendWasm, value, axis, ones, (box) => box.filter((_, d) => d !== axis));
}

function splitV(args: KernelArgs): tf.TensorInfo[] {
  const x = args.inputs['x']!;
  const axis = tf.util.parseAxisParam(args.attrs!['axis'] as number, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs!['numOrSizeSplits'] as number | number[], axis);
  return copySplits(args.backend as BackendWasm, x, axis, sizes, (box) => box);
}

/** Re-registers wasm's Slice, Unpack and SplitV with the heap-view versions above (once per kernel; string tensors keep tfjs's own). */
export function installHeapSlices(): void {
  for (const [name, impl] of [
    ['Slice', slice],
    ['Unpack', unpack],
    ['SplitV', splitV],
  ] as const) {
    // Each kernel has one input; string tensors have no heap view and keep tfjs's own kernel.
    replaceWasmKernel(name, (args, original) => (Object.values(args.inputs)[0]!.dtype === 'string' ? original(args) : impl(args)));
  }
}
