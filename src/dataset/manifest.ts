/**
 * The dataset manifest: one JSON object per line, the same format for the synthetic corpus and for a
 * user's own data. Reading it validates every line and reports each problem with its line number;
 * nothing is dropped without being counted.
 *
 *   {"id": "case-001", "image": "scans/case-001", "text": "影像所见…", "summary": "诊断意见…",
 *    "clinical": "主诉…", "facts": [...], "truth": "truth/case-001.json", "split": "train"}
 *
 * `image`: a DICOM file, a list of DICOM files, a folder holding one series, or a PNG/JPEG file; paths
 * are relative to the manifest's folder. `text` may be empty; `summary` may not. `facts`, `truth` and
 * `split` are optional.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Fact } from '../corpus/schema.ts';
import { SPLITS, type Split } from '../corpus/splits.ts';
import { openStudy } from '../intake/intake.ts';
import { toIntakeError } from '../intake/errors.ts';
import { nodeIntakeEnv } from '../platform/node.ts';

export interface ManifestEntry {
  id: string;
  image: string | string[];
  text: string;
  summary: string;
  clinical?: string;
  facts?: Fact[];
  truth?: string;
  split?: Split;
}

/** An entry whose image paths were resolved to files. */
export interface ResolvedEntry extends ManifestEntry {
  files: string[];
  line: number;
}

export type ProblemCode = 'bad-json' | 'missing-field' | 'empty-summary' | 'bad-split' | 'duplicate-id' | 'missing-file' | 'unreadable-image';

export interface ManifestProblem {
  line: number;
  id?: string;
  code: ProblemCode;
  message: string;
}

export interface ManifestReport {
  entries: ResolvedEntry[];
  problems: ManifestProblem[];
  lines: number;
}

/** Checks one parsed line's fields; returns the entry or the reason it cannot be used. */
export function validateEntry(value: unknown, line: number): ManifestEntry | ManifestProblem {
  const problem = (code: ProblemCode, message: string, id?: string): ManifestProblem => ({ line, code, message, ...(id ? { id } : {}) });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return problem('bad-json', 'a line must be one JSON object');
  const v = value as Record<string, unknown>;
  const id = typeof v.id === 'string' && v.id ? v.id : `line-${line}`;
  const image = v.image;
  const imageOk = (typeof image === 'string' && image !== '') || (Array.isArray(image) && image.length > 0 && image.every((p) => typeof p === 'string' && p));
  if (!imageOk) return problem('missing-field', '"image" must be a path or a non-empty list of paths', id);
  if (v.text !== undefined && typeof v.text !== 'string') return problem('missing-field', '"text" must be a string', id);
  if (typeof v.summary !== 'string') return problem('missing-field', '"summary" is missing', id);
  if (v.summary.trim() === '') return problem('empty-summary', '"summary" is empty', id);
  if (v.split !== undefined && !SPLITS.includes(v.split as Split)) return problem('bad-split', `"split" must be one of ${SPLITS.join(', ')}`, id);
  return {
    id,
    image: image as string | string[],
    text: (v.text as string | undefined) ?? '',
    summary: v.summary,
    ...(typeof v.clinical === 'string' ? { clinical: v.clinical } : {}),
    ...(Array.isArray(v.facts) ? { facts: v.facts as Fact[] } : {}),
    ...(typeof v.truth === 'string' ? { truth: v.truth } : {}),
    ...(v.split ? { split: v.split as Split } : {}),
  };
}

/** Image paths → files: a folder stands for the files in it (one series), sorted by name. */
async function resolveFiles(base: string, image: string | string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of Array.isArray(image) ? image : [image]) {
    const full = resolve(base, path);
    const info = await stat(full);
    if (info.isDirectory()) {
      const names = (await readdir(full)).filter((n) => !n.startsWith('.')).sort();
      if (names.length === 0) throw new Error(`folder ${path} is empty`);
      files.push(...names.map((n) => join(full, n)));
    } else files.push(full);
  }
  return files;
}

export interface ReadOptions {
  /** Decode every image with Tuwen's intake (slow on large sets, but finds unreadable ones). */
  checkImages?: boolean;
}

export async function readManifest(path: string, options: ReadOptions = {}): Promise<ManifestReport> {
  const base = dirname(resolve(path));
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  const entries: ResolvedEntry[] = [];
  const problems: ManifestProblem[] = [];
  const ids = new Set<string>();
  const env = options.checkImages ? nodeIntakeEnv() : undefined;
  let count = 0;
  for (const [i, text] of lines.entries()) {
    if (text.trim() === '') continue;
    count++;
    const line = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      problems.push({ line, code: 'bad-json', message: (err as Error).message });
      continue;
    }
    const entry = validateEntry(parsed, line);
    if ('code' in entry) {
      problems.push(entry);
      continue;
    }
    if (ids.has(entry.id)) {
      problems.push({ line, id: entry.id, code: 'duplicate-id', message: `id ${entry.id} appears more than once` });
      continue;
    }
    ids.add(entry.id);
    let files: string[];
    try {
      files = await resolveFiles(base, entry.image);
    } catch (err) {
      problems.push({ line, id: entry.id, code: 'missing-file', message: (err as Error).message });
      continue;
    }
    if (env) {
      try {
        await openStudy(await Promise.all(files.map(async (f) => ({ name: f, bytes: new Uint8Array(await readFile(f)) }))), env);
      } catch (err) {
        const e = toIntakeError(err);
        problems.push({ line, id: entry.id, code: 'unreadable-image', message: `${e.code}: ${e.message}` });
        continue;
      }
    }
    entries.push({ ...entry, files, line });
  }
  return { entries, problems, lines: count };
}
