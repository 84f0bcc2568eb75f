/**
 * tfjs speed fixes for training on the wasm backend (measured in ../shared/docs/tfjs-notes.md and again
 * here by `npm run bench`): wasm's matMul is fast only without transposeA/transposeB, but tfjs's own
 * BatchMatMul gradient multiplies with those flags. Re-registering the gradient to transpose explicitly
 * and then multiply plainly gives the same values (tested) several times faster.
 */
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes (a matrix transpose for each batch entry); a reshape where one of them is 1. */
export function swapLast<T extends tf.Tensor>(x: T): T {
  const r = x.rank;
  const shape = [...x.shape.slice(0, r - 2), x.shape[r - 1]!, x.shape[r - 2]!];
  if (x.shape[r - 1] === 1 || x.shape[r - 2] === 1) return tf.reshape(x, shape) as T;
  return tf.transpose(x, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]) as T;
}

/**
 * matMul(x, y, tx, ty) computed as a plain product of explicitly transposed operands. An outer product
 * (inner size 1: the gradients of attention's matrix–vector products) is a broadcast multiply, ~7× faster
 * on wasm than its matMul.
 */
function plainMatMul(x: tf.Tensor, y: tf.Tensor, tx: boolean, ty: boolean): tf.Tensor {
  const a = tx ? swapLast(x) : x;
  const b = ty ? swapLast(y) : y;
  return a.shape[a.rank - 1] === 1 ? tf.mul(a, b) : tf.matMul(a, b);
}

/**
 * a · b (plain), whose gradient reads `aT` and `bT`, copies of a and b with their last two axes swapped
 * that the caller made once, instead of transposing a and b again at every use. For the attention
 * products of a decoder step, whose keys and values stay the same for all the steps of a summary: the
 * fast gradient above transposes a [B, N, 64] memory twice per step. Gradients equal the fast gradient's
 * to the bit (tested): the same products of the same operands. A copy not given is transposed here.
 */
export function matMulTransposed(a: tf.Tensor, b: tf.Tensor, copies: { aT?: tf.Tensor; bT?: tf.Tensor }): tf.Tensor {
  const product = tf.customGrad((x, y, save) => {
    // Saved, not captured: what the forward pass made is freed before the backward pass unless saved.
    const [aT, bT] = [copies.aT ?? swapLast(x as tf.Tensor), copies.bT ?? swapLast(y as tf.Tensor)];
    (save as tf.GradSaveFunc)([aT, bT]);
    return {
      value: tf.matMul(x as tf.Tensor, y as tf.Tensor),
      gradFunc: (dy, saved) => {
        const [xT, yT] = saved as [tf.Tensor, tf.Tensor];
        return [plainMatMul(dy as tf.Tensor, yT, false, false), plainMatMul(xT, dy as tf.Tensor, false, false)];
      },
    };
  });
  return product(a, b);
}

let installed = false;

export function installFastMatMulGradient(): void {
  if (installed) return;
  installed = true;
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const g = dy as tf.Tensor;
      // The same four cases as tfjs-core's BatchMatMul_grad, each operand transposed before the product.
      if (!transposeA && !transposeB) return { a: () => plainMatMul(g, b, false, true), b: () => plainMatMul(a, g, true, false) };
      if (!transposeA && transposeB) return { a: () => plainMatMul(g, b, false, false), b: () => plainMatMul(g, a, true, false) };
      if (transposeA && !transposeB) return { a: () => plainMatMul(b, g, false, true), b: () => plainMatMul(a, g, false, false) };
      return { a: () => plainMatMul(b, g, true, true), b: () => plainMatMul(g, a, true, true) };
    },
  });
}

/** tanh as 2·sigmoid(2x) − 1: equal to 6e-8, and about 5× faster than tf.tanh on wasm. */
export function fastTanh(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1));
}

/**
 * The maximum over the middle axis of [N, P, C] → [N, C], with a gradient that reaches the maximal entries
 * only, as tf.max's does. That one compares x with the broadcast maximum (`equal`), which wasm broadcasts
 * slowly (~0.7 s per batch of the image encoder); x − max broadcasts at the speed of a plain op, and
 * relu(1 + 10³⁸·(x − max)) is 1 where x is the maximum and 0 elsewhere (two distinct float32 values differ
 * by less than 10⁻³⁸ only when both are that close to 0, where which one counts does not matter).
 */
export function maxOverMiddleAxis(x: tf.Tensor3D): tf.Tensor2D {
  const maximum = tf.customGrad((input, save) => {
    const max = tf.max(input as tf.Tensor, 1, true);
    (save as tf.GradSaveFunc)([input as tf.Tensor, max]);
    return {
      value: tf.squeeze(max, [1]),
      gradFunc: (dy, saved) => {
        const [values, kept] = saved as [tf.Tensor, tf.Tensor];
        const isMax = tf.relu(tf.add(tf.mul(tf.sub(values, kept), 1e38), 1));
        return tf.mul(isMax, tf.expandDims(dy as tf.Tensor, 1));
      },
    };
  });
  return maximum(x) as tf.Tensor2D;
}
