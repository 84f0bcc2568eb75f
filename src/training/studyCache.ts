/**
 * Studies with their frozen image features, cached on disk: the adversarial and reward stages start from
 * a trained retrieval model's image encoder, and rendering 2,000 studies takes ~10 minutes, so each split
 * is rendered and encoded once (a few studies at a time, to keep memory flat) and then read back.
 *
 *   DIR/studies-<split>.json   ids, texts, summaries, facts, feature shape
 *   DIR/studies-<split>.bin    float32 region features, study after study
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fact } from '../corpus/schema.ts';
import type { Split } from '../corpus/splits.ts';
import type { ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import type { Weights } from '../inference/models/weights.ts';
import { concatTyped } from '../inference/arrays.ts';
import { cacheImageFeatures, type ImageFeatures } from './features.ts';
import { imageExample, type ImageExample } from './imageExamples.ts';
import { mapSplit } from './studies.ts';

export interface CachedStudy {
  id: string;
  text: string;
  clinical: string;
  summary: string;
  facts: Fact[];
  features: ImageFeatures;
}

type Meta = Omit<CachedStudy, 'features'>;

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
  const json = join(dir, `studies-${split}.json`);
  const bin = join(dir, `studies-${split}.bin`);
  if (existsSync(json) && existsSync(bin)) {
    const { key, studies, regionCount, width } = JSON.parse(await readFile(json, 'utf8')) as { key: string; studies: Meta[]; regionCount: number; width: number };
    if (key === cacheKey(source)) {
      const buffer = await readFile(bin);
      const all = new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / 4);
      const per = regionCount * width;
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
    pending.push({ meta: { id: s.id, text: s.text, clinical: s.clinical, summary: s.summary, facts: s.facts }, example: imageExample(s, source.image) });
    if (pending.length === 8) flush();
  }, (done) => onProgress?.(done, source.n));
  if (pending.length) flush();
  const f = out[0]?.features;
  await mkdir(dir, { recursive: true });
  await writeFile(bin, concatTyped(out.map((s) => s.features.regions), (n) => new Float32Array(n)));
  await writeFile(json, JSON.stringify({ key: cacheKey(source), regionCount: f?.regionCount ?? 0, width: f?.width ?? 0, studies: out.map(({ features: _f, ...meta }) => meta) }));
  return out;
}

/** Which corpus and encoder the cache was made from (a different one makes it stale). */
function cacheKey(s: StudySource): string {
  const probe = s.imageWeights[Object.keys(s.imageWeights).sort()[0]!]!.dataSync().slice(0, 4);
  return JSON.stringify({ seed: s.seed, n: s.n, size: s.size, grid: s.image.grid, widths: s.image.widths, probe: Array.from(probe) });
}
