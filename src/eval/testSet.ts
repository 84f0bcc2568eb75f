/**
 * The items an evaluation runs on: a corpus split read from disk (manifest + ground truth), or a fresh
 * test set generated from a seed. Either way each item carries what every score needs.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { extractFacts } from '../corpus/factExtractor.ts';
import type { Fact, FindingTruth } from '../corpus/schema.ts';
import { splitOfId, type Split } from '../corpus/splits.ts';
import { generateStudy, studyGrid, studyModality } from '../corpus/study.ts';
import type { Grid } from '../inference/preprocess.ts';
import { openStudy } from '../intake/intake.ts';
import { greyValues } from '../intake/modality.ts';
import { nodeIntakeEnv } from '../platform/node.ts';
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
  /** The manifest's split, where it names one. */
  split?: Split;
}

/** The volume of an item: regenerated for a fresh test set, read from its files otherwise. */
export async function itemVolume(item: EvalItem): Promise<{ modality: Float32Array; grid: Grid }> {
  if (item.seed !== undefined && item.index !== undefined) {
    const s = generateStudy(item.seed, item.index);
    return { modality: studyModality(s), grid: studyGrid(s) };
  }
  if (!item.files) throw new Error(`${item.id}: no image to read`);
  const files = await Promise.all(item.files.map(async (f) => ({ name: f, bytes: new Uint8Array(await readFile(f)) })));
  const v = await openStudy(files, nodeIntakeEnv());
  return { modality: greyValues(v.modality, v.samplesPerPixel), grid: { depth: v.depth, height: v.height, width: v.width } };
}

export async function corpusSplit(corpusDir: string, split: Split): Promise<EvalItem[]> {
  return manifestItems(join(corpusDir, `manifest.${split}.jsonl`));
}

/**
 * Any manifest (the corpus's, or a user's own). Facts come from the manifest, else from reading the
 * reference summary with the fact extractor; ground truth from the `truth` file where there is one.
 * A manifest with problems is refused: an evaluation must not silently skip studies.
 */
export async function manifestItems(path: string): Promise<EvalItem[]> {
  const report = await readManifest(path);
  if (report.problems.length) throw new Error(`${path}: ${report.problems.length} manifest problems (run tuwen dataset check), first: ${JSON.stringify(report.problems[0])}`);
  const base = dirname(path);
  return Promise.all(
    report.entries.map(async (e) => {
      const truth = e.truth ? (JSON.parse(await readFile(join(base, e.truth), 'utf8')) as { findings: FindingTruth[]; omission: TextOmission | null }) : undefined;
      return {
        id: e.id,
        text: e.text,
        clinical: e.clinical ?? '',
        summary: e.summary,
        facts: e.facts ?? extractFacts(e.summary),
        files: e.files,
        ...(e.split ? { split: e.split } : {}),
        ...(truth ? { findings: truth.findings, ...(truth.omission ? { omission: truth.omission } : {}) } : {}),
      };
    }),
  );
}

/** A manifest's items of one split: the split each names, or else the one its id falls in (`splitOfId`). */
export async function manifestSplit(path: string, split: Split): Promise<EvalItem[]> {
  return (await manifestItems(path)).filter((item) => (item.split ?? splitOfId(item.id)) === split);
}

/** N studies of a fresh seed, generated in memory (the full 256 × 256 rendering, so sizes are the corpus's). */
export function freshTestSet(seed: number, n: number, onProgress?: (done: number) => void): EvalItem[] {
  return Array.from({ length: n }, (_, index) => {
    const s = generateStudy(seed, index);
    onProgress?.(index + 1);
    return { id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts, findings: s.findings, ...(s.omission ? { omission: s.omission } : {}), seed, index };
  });
}

