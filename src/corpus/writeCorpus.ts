/**
 * `tuwen corpus`: writes N studies as DICOM series with key-slice PNGs, ground truth, JSONL manifests
 * per split, the reference passages and a tokenizer built from the training split. Same seed and N,
 * same bytes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildTokenizerJson } from '../text/tokenizer.ts';
import { toJsonl } from '../dataset/jsonl.ts';
import type { ManifestEntry } from '../dataset/manifest.ts';
import { writeSeries } from './dicomSeries.ts';
import { keySliceIndex, keySlicePng } from './keySlice.ts';
import { buildPassages } from './passages.ts';
import { splitOf, SPLITS, type Split } from './splits.ts';
import { DEFAULT_INCOMPLETE_SHARE, generateStudy, type Study } from './study.ts';

export const CORPUS_VERSION = 1;

export interface CorpusOptions {
  seed: number;
  n: number;
  out: string;
  size?: number;
  incompleteShare?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The ground truth file of one study. */
export function truthRecord(study: Study, seed: number, index: number, split: Split): object {
  const p = study.phantom;
  return {
    id: study.id,
    seed,
    index,
    split,
    findings: study.findings,
    facts: study.facts,
    omission: study.omission ?? null,
    text: study.text,
    clinical: study.clinical,
    summary: study.summary,
    keySlice: keySliceIndex(study),
    geometry: { size: p.size, spacingMm: p.spacingMm, sliceMm: p.sliceMm, sliceZ: p.sliceZ },
    patient: study.patient,
  };
}

export function manifestEntry(study: Study, split: Split): ManifestEntry {
  return { id: study.id, image: `studies/${study.id}`, text: study.text, clinical: study.clinical, summary: study.summary, facts: study.facts, truth: `truth/${study.id}.json`, split };
}

export async function writeCorpus(o: CorpusOptions): Promise<{ counts: Record<Split, number> }> {
  const incompleteShare = o.incompleteShare ?? DEFAULT_INCOMPLETE_SHARE;
  await Promise.all(['studies', 'truth', 'keys'].map((d) => mkdir(join(o.out, d), { recursive: true })));
  const manifests: Record<Split, ManifestEntry[]> = { train: [], val: [], test: [] };
  const train: Pick<Study, 'id' | 'summary' | 'text' | 'facts' | 'clinical'>[] = [];
  for (let index = 0; index < o.n; index++) {
    const study = generateStudy(o.seed, index, { size: o.size ?? 256, incompleteShare });
    const split = splitOf(o.seed, index);
    const dir = join(o.out, 'studies', study.id);
    await mkdir(dir, { recursive: true });
    for (const file of writeSeries(study, o.seed, index)) await writeFile(join(dir, file.name), file.bytes);
    await writeFile(join(o.out, 'keys', `${study.id}.png`), keySlicePng(study));
    await writeFile(join(o.out, 'truth', `${study.id}.json`), JSON.stringify(truthRecord(study, o.seed, index, split), null, 1) + '\n');
    manifests[split].push(manifestEntry(study, split));
    if (split === 'train') train.push({ id: study.id, summary: study.summary, text: study.text, facts: study.facts, clinical: study.clinical });
    o.onProgress?.(index + 1, o.n);
  }
  for (const split of SPLITS) await writeFile(join(o.out, `manifest.${split}.jsonl`), toJsonl(manifests[split]));
  const passages = buildPassages(train);
  await writeFile(join(o.out, 'passages.jsonl'), toJsonl(passages));
  const tokenizer = buildTokenizerJson([...train.flatMap((s) => [s.text, s.clinical, s.summary]), ...passages.map((p) => p.text)]);
  await writeFile(join(o.out, 'tokenizer.json'), JSON.stringify(tokenizer) + '\n');
  const counts = { train: manifests.train.length, val: manifests.val.length, test: manifests.test.length };
  await writeFile(
    join(o.out, 'corpus.json'),
    JSON.stringify({ version: CORPUS_VERSION, seed: o.seed, n: o.n, size: o.size ?? 256, incompleteShare, counts, passages: passages.length }, null, 1) + '\n',
  );
  return { counts };
}
