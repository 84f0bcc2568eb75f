/** What every training command starts with: numeric options checked, the wasm backend with the fast matMul gradient and kernels. */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { installFastMatMulGradient } from '../inference/tf/fastGradients.ts';
import { installBlockTranspose } from '../inference/tf/blockTranspose.ts';
import { installHeapSlices } from '../inference/tf/heapSlices.ts';
import { installSharedIdentity } from '../inference/tf/sharedIdentity.ts';
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
  installHeapSlices();
  installSharedIdentity();
  installBlockTranspose();
}

type OptionKinds = Record<string, { type: 'string' | 'boolean' }>;

/**
 * `--config FILE`: a JSON object of the command's own options, named as on the command line without the
 * dashes ({"out": "models/mine", "decoder-steps": 1200, "resume": true}), turned into arguments that go
 * before the command line's, so that a flag given there wins. Unknown names and wrong types are refused.
 */
export async function configFileArgs(path: string, options: OptionKinds): Promise<string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config ${path}: ${(e as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`--config ${path}: expected a JSON object of options`);
  return Object.entries(parsed).flatMap(([name, value]) => {
    const kind = name === 'config' ? undefined : options[name]?.type;
    if (!kind) throw new UsageError(`--config ${path}: unknown option "${name}"`);
    if (kind === 'boolean') {
      if (typeof value !== 'boolean') throw new UsageError(`--config ${path}: "${name}" must be true or false`);
      return value ? [`--${name}`] : [];
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw new UsageError(`--config ${path}: "${name}" must be a string or a number`);
    return [`--${name}`, String(value)];
  });
}
