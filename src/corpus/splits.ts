/** Train / validation / test assignment: 80 / 10 / 10, fixed by (seed, index) alone. */
import { Random } from './random.ts';

export type Split = 'train' | 'val' | 'test';
export const SPLITS: Split[] = ['train', 'val', 'test'];

export function splitOf(seed: number, index: number): Split {
  const r = Random.derive(seed, index, 0x5b117).next();
  return r < 0.8 ? 'train' : r < 0.9 ? 'val' : 'test';
}
