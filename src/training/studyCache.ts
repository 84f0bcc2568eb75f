/**
 * Studies with their frozen image features, cached on disk. Rendering 2,000 studies takes ~9 minutes and
 * every stage after image pretraining reads only the frozen features, so each split is rendered and encoded
 * once per corpus and encoder (a few studies at a time, to keep memory flat) and then read back: by the
 * retrieval pipeline when it reuses an image encoder, and by the adversarial and reward stages.
 *
 *   DIR/studies-<split>-<key>.json   ids, texts, summaries, facts, findings, grid, category, feature shape
 *   DIR/studies-<split>-<key>.bin    float32 region features, study after study
 *
 * <key> hashes the corpus and the encoder, so caches of different encoders (an ablation's random one)
 * live side by side instead of overwriting each other.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fact, FindingTruth } from '../corpus/schema.ts';
import type { Split } from '../corpus/splits.ts';
import { studyGrid, type Study } from '../corpus/study.ts';
import type { ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import type { Grid } from '../inference/preprocess.ts';
import type { Weights } from '../inference/models/weights.ts';
import { concatTyped } from '../inference/arrays.ts';
import { cacheImageFeatures, type ImageFeatures } from './features.ts';
import { imageExample, type ImageExample } from './imageExamples.ts';
import { mapSplit } from './studies.ts';

/** A study as the stages after image pretraining see it: its texts, its truth and its frozen image features. */
export interface CachedStudy {
  id: string;
  text: string;
  clinical: string;
  summary: string;
  facts: Fact[];
  /** Ground truth with boxes, and the rendered volume's grid the boxes refer to. */
  findings: FindingTruth[];
  volume: Grid;
  /** The retriever's center-loss class (see ImageExample). */
  category: number;
  features: ImageFeatures;
}

type Meta = Omit<CachedStudy, 'features'>;

/** A corpus study's texts and truth as the stages after image pretraining read them (its image apart). */
export function studyRecord(s: Study): Omit<Meta, 'category'> {
  return { id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts, findings: s.findings, volume: studyGrid(s) };
}

export interface StudySource {
  seed: number;
  n: number;
  size: number;
  image: ImageEncoderConfig;
  /** The frozen image encoder's weights. */
  imageWeights: Weights;
}

/** The split's studies with features, from DIR when cached there, otherwise rendered, encoded and cached. */
export async function cachedStudies(dir: string, split: Split, source: StudySource, onProgress?: (done: number, total: number) => void): Promise<CachedStudy[]> {
  const { json, bin } = cachePaths(dir, split, source);
  if (isStudyCached(dir, split, source)) {
    const { studies, regionCount, width } = JSON.parse(await readFile(json, 'utf8')) as { studies: Meta[]; regionCount: number; width: number };
    const buffer = await readFile(bin);
    const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
    const per = regionCount * width;
    if (all.length === studies.length * per) {
      onProgress?.(source.n, source.n);
      return studies.map((s, i) => ({ ...s, features: { regions: all.slice(i * per, (i + 1) * per), regionCount, width } }));
    }
  }
  const out: CachedStudy[] = [];
  let pending: { meta: Meta; example: ImageExample }[] = [];
  const flush = () => {
    const features = cacheImageFeatures(source.imageWeights, source.image, pending.map((p) => p.example));
    pending.forEach((p, i) => out.push({ ...p.meta, features: features[i]! }));
    pending = [];
  };
  mapSplit(source.seed, source.n, split, source.size, (s) => {
    const example = imageExample(s, source.image);
    pending.push({ meta: { ...studyRecord(s), category: example.category }, example });
    if (pending.length === 8) flush();
  }, (done) => onProgress?.(done, source.n));
  if (pending.length) flush();
  await writeStudyCache(dir, split, source, out);
  return out;
}

/** Whether `cachedStudies` will read the split from DIR rather than render it. */
export function isStudyCached(dir: string, split: Split, source: StudySource): boolean {
  const { json, bin } = cachePaths(dir, split, source);
  return existsSync(json) && existsSync(bin);
}

/** Stores a split's studies for `cachedStudies` (also used after a run that rendered them to pretrain its encoder). */
export async function writeStudyCache(dir: string, split: Split, source: StudySource, studies: CachedStudy[]): Promise<void> {
  const { json, bin } = cachePaths(dir, split, source);
  const f = studies[0]?.features;
  await mkdir(dir, { recursive: true });
  await writeFile(bin, concatTyped(studies.map((s) => s.features.regions), (n) => new Float32Array(n)));
  await writeFile(json, JSON.stringify({ regionCount: f?.regionCount ?? 0, width: f?.width ?? 0, studies: studies.map(({ features: _f, ...meta }) => meta) }));
}

/** Which corpus and encoder the cache was made from, hashed into its file names (version 2: findings, grid, category stored). */
function cachePaths(dir: string, split: Split, s: StudySource): { json: string; bin: string } {
  const names = Object.keys(s.imageWeights).sort();
  const hash = createHash('sha256').update(JSON.stringify({ version: 2, seed: s.seed, n: s.n, size: s.size, image: s.image }));
  for (const name of names) {
    const values = s.imageWeights[name]!.dataSync() as Float32Array;
    hash.update(name).update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  const key = hash.digest('hex').slice(0, 16);
  return { json: join(dir, `studies-${split}-${key}.json`), bin: join(dir, `studies-${split}-${key}.bin`) };
}
