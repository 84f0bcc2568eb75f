/**
 * Image-encoder training examples from corpus studies: the volume preprocessed to the encoder's grid and
 * windows (quantised to bytes to keep thousands in memory), the per-region targets of the encoder's head
 * (finding type, any finding, lobe) from the voxel labels, and the study's class for the retriever's
 * center loss.
 */
import * as tf from '@tensorflow/tfjs';
import { concatTyped } from '../inference/arrays.ts';
import { FINDING_TYPES, lobeIndex, type Fact, type FindingTruth } from '../corpus/schema.ts';
import { boxRegions } from '../eval/pointing.ts';
import { studyGrid, studyModality, type Study } from '../corpus/study.ts';
import { encoderInputOptions, headOutputs, regionGrid, toPatchOrder, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { encoderChannels, resample, type Grid } from '../inference/preprocess.ts';
import { regionFilterMaxima } from '../inference/filterMaxima.ts';

export interface ImageExample {
  id: string;
  /** depth × height × width × channels in the encoder's patch order, 0–255 for 0–1. */
  image: Uint8Array;
  /** regions × head outputs (`findingChannels`), 1 where a voxel of a finding switching that output on lies in the region. */
  regionTargets: Uint8Array;
  /** Index of the first-listed finding's type, or FINDING_TYPES.length for a normal study. */
  category: number;
  /** With `filterFeatures`: regions × FILTER_COUNT, the fixed filters' maxima (`regionFilterMaxima`). */
  filterMaxima?: Float32Array;
}

/** The head outputs a finding switches on: its type, "any finding", and its lobe when the head predicts lobes (pleural findings have none). */
export function findingChannels(f: Pick<FindingTruth, 'type' | 'location'>, c: ImageEncoderConfig): number[] {
  const lobe = lobeIndex(f.location);
  return [FINDING_TYPES.indexOf(f.type), c.findingTypes, ...(c.lobes && lobe >= 0 ? [c.findingTypes + 1 + lobe] : [])];
}

/** Marks, per region of the region grid, the outputs (`channels[label − 1]`) of each labelled voxel's finding. */
export function regionTargets(labels: Uint8Array, channels: number[][], volume: Grid, regions: Grid, outputs: number): Uint8Array {
  const out = new Uint8Array(regions.depth * regions.height * regions.width * outputs);
  const plane = volume.height * volume.width;
  for (let v = 0; v < labels.length; v++) {
    const label = labels[v]!;
    if (label === 0) continue;
    const k = Math.floor(v / plane);
    const j = Math.floor((v % plane) / volume.width);
    const i = v % volume.width;
    const r =
      (Math.floor((k * regions.depth) / volume.depth) * regions.height + Math.floor((j * regions.height) / volume.height)) * regions.width +
      Math.floor((i * regions.width) / volume.width);
    for (const ch of channels[label - 1]!) out[r * outputs + ch] = 1;
  }
  return out;
}

/** The encoder's input for a volume resampled to its grid, quantised to bytes, in patch order. */
function encoderBytes(small: Float32Array, c: ImageEncoderConfig): Uint8Array {
  const input = encoderChannels(small, c.grid, encoderInputOptions(c));
  const image = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) image[i] = Math.round(input[i]! * 255);
  return toPatchOrder(image, c);
}

/** A volume's image and, where the encoder's readers take them (`filterFeatures`), its fixed filters' maxima per region. */
function imageAndFilters(modality: Float32Array, volume: Grid, c: ImageEncoderConfig): Pick<ImageExample, 'image' | 'filterMaxima'> {
  const image = encoderBytes(resample(modality, volume, c.grid), c);
  return { image, ...(c.filterFeatures ? { filterMaxima: regionFilterMaxima(modality, volume, c.grid, regionGrid(c)) } : {}) };
}

/** The center loss's class: the first fact's finding type, or "normal". */
function categoryOf(facts: Fact[]): number {
  const first = facts[0]?.finding ?? 'normal';
  return first === 'normal' ? FINDING_TYPES.length : FINDING_TYPES.indexOf(first);
}

/** A corpus study: region targets from its voxel labels. */
export function imageExample(study: Study, c: ImageEncoderConfig): ImageExample {
  const volume = studyGrid(study);
  return {
    id: study.id,
    ...imageAndFilters(studyModality(study), volume, c),
    regionTargets: regionTargets(study.labels, study.findings.map((f) => findingChannels(f, c)), volume, regionGrid(c), headOutputs(c)),
    category: categoryOf(study.facts),
  };
}

/** Marks the outputs of each finding (`findingChannels`) in the regions its per-slice boxes overlap (data without voxel labels). */
export function boxTargets(findings: readonly FindingTruth[], volume: Grid, c: ImageEncoderConfig): Uint8Array {
  const regions = regionGrid(c);
  const outputs = headOutputs(c);
  const shape: [number, number, number] = [regions.depth, regions.height, regions.width];
  const out = new Uint8Array(regions.depth * regions.height * regions.width * outputs);
  for (const f of findings) {
    const channels = findingChannels(f, c);
    boxRegions(shape, volume, f.boxes).forEach((on, r) => {
      if (on) for (const ch of channels) out[r * outputs + ch] = 1;
    });
  }
  return out;
}

/** A study from a dataset manifest: region targets from its ground-truth boxes, where it has them. */
export function volumeExample(id: string, modality: Float32Array, volume: Grid, findings: readonly FindingTruth[], facts: Fact[], c: ImageEncoderConfig): ImageExample {
  return { id, ...imageAndFilters(modality, volume, c), regionTargets: boxTargets(findings, volume, c), category: categoryOf(facts) };
}

/**
 * Where each value of a patch-ordered volume comes from when the volume is mirrored left–right (its width
 * axis reversed), as indices into the unmirrored patch-ordered volume.
 */
function mirrorPermutation(c: ImageEncoderConfig): Int32Array {
  const { depth, height, width } = c.grid;
  const n = depth * height * width * c.channels;
  const natural = new Int32Array(n);
  const mirrored = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    natural[i] = i;
    const w = Math.floor(i / c.channels) % width;
    mirrored[i] = i + (width - 1 - 2 * w) * c.channels;
  }
  const at = toPatchOrder(natural, c); // at[p]: the natural index stored at patch position p
  const where = new Int32Array(n);
  at.forEach((v, p) => (where[v] = p));
  return toPatchOrder(mirrored, c).map((v) => where[v]!);
}

const mirrors = new Map<string, Int32Array>();

/**
 * An example mirrored left–right: the image and its region targets. Finding types and "any finding" do not
 * change under a mirror, lobes do (the right lung has three): an encoder whose head names lobes is refused.
 */
export function mirrorExample(e: ImageExample, c: ImageEncoderConfig): ImageExample {
  if (c.lobes) throw new Error('a mirrored study would put its findings in the other lung: no mirroring for an encoder that names lobes');
  const key = JSON.stringify(c);
  if (!mirrors.has(key)) mirrors.set(key, mirrorPermutation(c));
  const perm = mirrors.get(key)!;
  const r = regionGrid(c);
  const outputs = headOutputs(c);
  const targets = new Uint8Array(e.regionTargets.length);
  for (let i = 0; i < targets.length; i++) {
    const k = i % outputs;
    const region = Math.floor(i / outputs);
    const w = region % r.width;
    targets[i] = e.regionTargets[(region + r.width - 1 - 2 * w) * outputs + k]!;
  }
  // Pretraining mirrors; the filters' maxima are read by later stages, from unmirrored studies only.
  const { filterMaxima: _unmirrored, ...rest } = e;
  const image = new Uint8Array(perm.length);
  for (let i = 0; i < perm.length; i++) image[i] = e.image[perm[i]!]!;
  return { ...rest, image, regionTargets: targets };
}

/** Patch-ordered volumes [B, voxels·channels] in 0–1 (pretraining and the feature cache). */
export function imageBatch(examples: ImageExample[]): tf.Tensor2D {
  return tf.tidy(() => {
    const flat = concatTyped(examples.map((e) => e.image), (n) => new Uint8Array(n));
    return tf.div(tf.tensor2d(flat, [examples.length, flat.length / examples.length], 'float32'), 255) as tf.Tensor2D;
  });
}

/** The examples' filter maxima [B, regions · FILTER_COUNT] (`filterFeatures`); undefined when they have none. */
export function filterBatch(examples: ImageExample[]): tf.Tensor2D | undefined {
  if (!examples[0]?.filterMaxima) return undefined;
  const flat = concatTyped(examples.map((e) => e.filterMaxima!), (n) => new Float32Array(n));
  return tf.tensor2d(flat, [examples.length, flat.length / examples.length]);
}
