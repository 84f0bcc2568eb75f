/** What every training command starts with: numeric options checked, the wasm backend with the fast matMul gradient. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { installFastMatMulGradient } from '../inference/tf/fastGradients.ts';
import { UsageError } from './corpus.ts';

/** A numeric option: a positive number, or with bounds, a number in [min, max]. */
export function numberOption(value: string | undefined, name: string, bounds: { min?: number; max?: number } = {}): number {
  const v = Number(value);
  const { min, max } = bounds;
  const ok = Number.isFinite(v) && (min === undefined ? v > 0 : v >= min) && (max === undefined || v <= max);
  if (!ok) throw new UsageError(`--${name} must be ${min === undefined ? 'a positive number' : max === undefined ? `a number ≥ ${min}` : `a number in [${min}, ${max}]`}`);
  return v;
}

/** Training on cpu would take hours: wasm or nothing. */
export async function useWasmForTraining(): Promise<void> {
  if (!(await tf.setBackend('wasm')) || tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start; training on cpu would take hours');
  installFastMatMulGradient();
}
