/**
 * The items an evaluation runs on: a corpus split read from disk (manifest + ground truth), or a fresh
 * test set generated from a seed. Either way each item carries what every score needs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fact, FindingTruth } from '../corpus/schema.ts';
import type { Split } from '../corpus/splits.ts';
import { generateStudy } from '../corpus/study.ts';
import type { TextOmission } from '../corpus/findingsText.ts';
import { readManifest } from '../dataset/manifest.ts';

export interface EvalItem {
  id: string;
  text: string;
  clinical: string;
  /** The reference summary. */
  summary: string;
  facts: Fact[];
  /** Ground truth, when the data has it (the synthetic corpus does; a user's data may not). */
  findings?: FindingTruth[];
  omission?: TextOmission;
  /** Image files, for models that read them. */
  files?: string[];
  /** Generated in memory (fresh test sets): the study itself, so models need not read files. */
  seed?: number;
  index?: number;
}

export async function corpusSplit(corpusDir: string, split: Split): Promise<EvalItem[]> {
  const report = await readManifest(join(corpusDir, `manifest.${split}.jsonl`));
  if (report.problems.length) throw new Error(`${corpusDir}: ${report.problems.length} manifest problems, first: ${JSON.stringify(report.problems[0])}`);
  return Promise.all(
    report.entries.map(async (e) => {
      const truth = e.truth ? (JSON.parse(await readFile(join(corpusDir, e.truth), 'utf8')) as { findings: FindingTruth[]; omission: TextOmission | null }) : undefined;
      return {
        id: e.id,
        text: e.text,
        clinical: e.clinical ?? '',
        summary: e.summary,
        facts: e.facts ?? [],
        files: e.files,
        ...(truth ? { findings: truth.findings, ...(truth.omission ? { omission: truth.omission } : {}) } : {}),
      };
    }),
  );
}

/** N studies of a fresh seed, generated in memory (the full 256 × 256 rendering, so sizes are the corpus's). */
export function freshTestSet(seed: number, n: number, onProgress?: (done: number) => void): EvalItem[] {
  return Array.from({ length: n }, (_, index) => {
    const s = generateStudy(seed, index);
    onProgress?.(index + 1);
    return { id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts, findings: s.findings, ...(s.omission ? { omission: s.omission } : {}), seed, index };
  });
}

