/** JSON Lines: one JSON value per line (manifests, passages, baseline data). */
import { readFile } from 'node:fs/promises';

export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/** Every non-blank line parsed; the reader trusts the file (manifests are validated by readManifest). */
export async function readJsonl<T>(path: string): Promise<T[]> {
  return (await readFile(path, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
