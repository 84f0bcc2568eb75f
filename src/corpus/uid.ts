/** Deterministic DICOM UIDs under the 2.25 root (a UUID-sized integer), derived from seed and keys. */
import { Random } from './random.ts';

export function uid(seed: number, ...keys: number[]): string {
  const rand = Random.derive(seed, ...keys);
  let value = 0n;
  for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(rand.uint32());
  // 2.25.<integer> with no leading zero: at most 5 + 39 characters, within the 64 allowed.
  return `2.25.${value === 0n ? 1n : value}`;
}
