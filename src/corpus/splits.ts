/** Train / validation / test assignment: 80 / 10 / 10, fixed by (seed, index) alone. */
import { Random } from './random.ts';

export type Split = 'train' | 'val' | 'test';
export const SPLITS: Split[] = ['train', 'val', 'test'];

const byFraction = (r: number): Split => (r < 0.8 ? 'train' : r < 0.9 ? 'val' : 'test');

export function splitOf(seed: number, index: number): Split {
  return byFraction(Random.derive(seed, index, 0x5b117).next());
}

/** For a dataset whose manifest names no split: fixed by the study id (FNV-1a hash), 80 / 10 / 10. */
export function splitOfId(id: string): Split {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return byFraction(h / 2 ** 32);
}
