/**
 * Image-encoder training examples from corpus studies: the volume preprocessed to the encoder's grid and
 * windows (quantised to bytes to keep thousands in memory), the per-region finding-type targets from the
 * voxel labels, and the study's class for the retriever's center loss.
 */
import * as tf from '@tensorflow/tfjs';
import { concatTyped } from '../inference/arrays.ts';
import { FINDING_TYPES, type Fact, type FindingTruth } from '../corpus/schema.ts';
import { boxRegions } from '../eval/pointing.ts';
import { studyGrid, studyModality, type Study } from '../corpus/study.ts';
import { regionGrid, toPatchOrder, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { encoderInput, type Grid } from '../inference/preprocess.ts';

export interface ImageExample {
  id: string;
  /** depth × height × width × channels in the encoder's patch order, 0–255 for 0–1. */
  image: Uint8Array;
  /** regions × (finding types + 1), 1 where a voxel of that type (last: of any type) lies in the region. */
  regionTargets: Uint8Array;
  /** Index of the first-listed finding's type, or FINDING_TYPES.length for a normal study. */
  category: number;
}

/** Marks, per region of the region grid, which finding types have at least one voxel there, and whether any has. */
export function regionTargets(labels: Uint8Array, labelTypes: number[], volume: Grid, regions: Grid, types: number): Uint8Array {
  const out = new Uint8Array(regions.depth * regions.height * regions.width * (types + 1));
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
    out[r * (types + 1) + labelTypes[label - 1]!] = 1;
    out[r * (types + 1) + types] = 1;
  }
  return out;
}

/** The encoder's input for a volume, quantised to bytes, in patch order. */
function encoderBytes(modality: Float32Array, volume: Grid, c: ImageEncoderConfig): Uint8Array {
  const input = encoderInput(modality, volume, c.grid);
  const image = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) image[i] = Math.round(input[i]! * 255);
  return toPatchOrder(image, c);
}

/** The center loss's class: the first fact's finding type, or "normal". */
function categoryOf(facts: Fact[]): number {
  const first = facts[0]?.finding ?? 'normal';
  return first === 'normal' ? FINDING_TYPES.length : FINDING_TYPES.indexOf(first);
}

/** A corpus study: region targets from its voxel labels. */
export function imageExample(study: Study, c: ImageEncoderConfig): ImageExample {
  const volume = studyGrid(study);
  const labelTypes = study.findings.map((f) => FINDING_TYPES.indexOf(f.type));
  return {
    id: study.id,
    image: encoderBytes(studyModality(study), volume, c),
    regionTargets: regionTargets(study.labels, labelTypes, volume, regionGrid(c), c.findingTypes),
    category: categoryOf(study.facts),
  };
}

/** Marks the regions each finding's per-slice boxes overlap, by type and as "any" (data without voxel labels). */
export function boxTargets(findings: readonly FindingTruth[], volume: Grid, regions: Grid, types: number): Uint8Array {
  const shape: [number, number, number] = [regions.depth, regions.height, regions.width];
  const out = new Uint8Array(regions.depth * regions.height * regions.width * (types + 1));
  for (const f of findings) {
    const hit = boxRegions(shape, volume, f.boxes);
    hit.forEach((on, r) => {
      if (!on) return;
      out[r * (types + 1) + FINDING_TYPES.indexOf(f.type)] = 1;
      out[r * (types + 1) + types] = 1;
    });
  }
  return out;
}

/** A study from a dataset manifest: region targets from its ground-truth boxes, where it has them. */
export function volumeExample(id: string, modality: Float32Array, volume: Grid, findings: readonly FindingTruth[], facts: Fact[], c: ImageEncoderConfig): ImageExample {
  return { id, image: encoderBytes(modality, volume, c), regionTargets: boxTargets(findings, volume, regionGrid(c), c.findingTypes), category: categoryOf(facts) };
}

/** Patch-ordered volumes [B, voxels·channels] in 0–1 (pretraining and the feature cache). */
export function imageBatch(examples: ImageExample[]): tf.Tensor2D {
  return tf.tidy(() => {
    const flat = concatTyped(examples.map((e) => e.image), (n) => new Uint8Array(n));
    return tf.div(tf.tensor2d(flat, [examples.length, flat.length / examples.length], 'float32'), 255) as tf.Tensor2D;
  });
}
