/** Training and validation studies drawn from the corpus generator, rendered straight to arrays. */
import { splitOf, type Split } from '../corpus/splits.ts';
import { generateStudy, type Study } from '../corpus/study.ts';

/** The studies of one split among the first n of a seed, mapped as they are rendered (to keep memory flat); the first `limit` of them at most. */
export function mapSplit<T>(seed: number, n: number, split: Split, size: number, map: (s: Study) => T, onProgress?: (done: number) => void, limit = Infinity): T[] {
  const out: T[] = [];
  for (let i = 0; i < n && out.length < limit; i++) {
    if (splitOf(seed, i) === split) out.push(map(generateStudy(seed, i, { size })));
    onProgress?.(i + 1);
  }
  return out;
}
