/** Concatenation of typed arrays of one kind (batches of examples, weight blobs). */
export function concatTyped<T extends Uint8Array | Float32Array>(parts: readonly T[], make: (length: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
