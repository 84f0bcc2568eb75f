/**
 * Percentile bootstrap 95 % confidence intervals: resample the items with replacement (seeded), recompute
 * the score from the resampled items' statistics, take the 2.5th and 97.5th percentiles.
 */
import { Random } from '../corpus/random.ts';

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export function bootstrap<T>(items: readonly T[], score: (sample: readonly T[]) => number, options: { resamples?: number; seed?: number } = {}): Interval {
  const value = score(items);
  if (items.length === 0) return { value, low: Number.NaN, high: Number.NaN };
  const rand = new Random(options.seed ?? 12345);
  const resamples = options.resamples ?? 1000;
  const values: number[] = [];
  const sample = new Array<T>(items.length);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < items.length; i++) sample[i] = items[rand.int(0, items.length - 1)]!;
    const v = score(sample);
    if (!Number.isNaN(v)) values.push(v);
  }
  values.sort((a, b) => a - b);
  const at = (q: number) => values[Math.min(values.length - 1, Math.max(0, Math.floor(q * values.length)))] ?? Number.NaN;
  return { value, low: at(0.025), high: at(0.975) };
}

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
