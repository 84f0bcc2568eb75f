/**
 * Image-encoder training examples from corpus studies: the volume preprocessed to the encoder's grid and
 * windows (quantised to bytes to keep thousands in memory), the per-region finding-type targets from the
 * voxel labels, and the study's class for the retriever's center loss.
 */
import { FINDING_TYPES } from '../corpus/schema.ts';
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

export function imageExample(study: Study, c: ImageEncoderConfig): ImageExample {
  const volume = studyGrid(study);
  const input = encoderInput(studyModality(study), volume, c.grid);
  const image = new Uint8Array(input.length);
  for (let i = 0; i < input.length; i++) image[i] = Math.round(input[i]! * 255);
  const labelTypes = study.findings.map((f) => FINDING_TYPES.indexOf(f.type));
  const first = study.facts[0]!.finding;
  return {
    id: study.id,
    image: toPatchOrder(image, c),
    regionTargets: regionTargets(study.labels, labelTypes, volume, regionGrid(c), c.findingTypes),
    category: first === 'normal' ? FINDING_TYPES.length : FINDING_TYPES.indexOf(first),
  };
}
