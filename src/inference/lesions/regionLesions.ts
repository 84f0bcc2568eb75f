/**
 * What the lesion detector says of a study: each candidate's class probabilities with the study's lungs
 * (`studyLesions`, which the page's decoding reads lobes from), and per region of the encoder's grid and
 * finding type the largest probability any candidate there has of being that type (`regionLesionMaxima`,
 * which the localisation measurements read). Run on the study's own slices, as the fixed filters are
 * (`filterMaxima.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { regionCell, sliceRegions, type FilterMaps } from '../filterMaxima.ts';
import { lesionLogits } from '../models/lesionClassifier.ts';
import type { Weights } from '../models/weights.ts';
import { resample, type Grid } from '../preprocess.ts';
import { lowAttenuationPlaces, lungExtents, lungMasks, type LungExtent } from './lungPosition.ts';
import { candidateFeatures, CANDIDATE_FEATURES, lesionCandidates, type Candidate } from './candidates.ts';

/** Candidates classified per call: bounds the features' tensor at about 14 MB. */
const CHUNK = 2048;

/** Candidates and their features for modality values on `volume`, from the fixed filters' responses on its slices (`filterMaps`). */
export function studyCandidates(modality: Float32Array, volume: Grid, { grid, maps }: FilterMaps): { grid: Grid; candidates: Candidate[]; features: Float32Array } {
  const candidates = lesionCandidates(maps[0], maps[1], grid);
  const fine = resample(modality, volume, { depth: volume.depth, height: 2 * grid.height, width: 2 * grid.width });
  return { grid, candidates, features: candidateFeatures(candidates, fine, grid, maps[0], maps[1]) };
}

/** Each candidate's probabilities [N, 1 + types] (none, then each type). */
export async function candidateProbabilities(w: Weights, features: Float32Array): Promise<Float32Array> {
  const n = features.length / CANDIDATE_FEATURES;
  const out = new Float32Array(n * (w['lesion.d3.bias']!.shape[0]!));
  let offset = 0;
  for (let i = 0; i < n; i += CHUNK) {
    const rows = Math.min(CHUNK, n - i);
    const probs = tf.tidy(() => tf.softmax(lesionLogits(w, tf.tensor2d(features.subarray(i * CANDIDATE_FEATURES, (i + rows) * CANDIDATE_FEATURES), [rows, CANDIDATE_FEATURES]))));
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    out.set(values, offset);
    offset += values.length;
  }
  return out;
}

/** Per region of `r` (slice-row-column order), per type: the largest probability of a candidate there, regions × types. */
export function regionLesionMaxima(candidates: readonly Candidate[], probs: Float32Array, types: number, grid: Grid, r: Grid): Float32Array {
  const classes = types + 1;
  const out = new Float32Array(r.depth * r.height * r.width * types);
  candidates.forEach(({ z, y, x }, i) => {
    const cell = regionCell(y, x, grid, r);
    for (const k of sliceRegions(z, grid.depth, r.depth)) {
      const at = (k * r.height * r.width + cell) * types;
      for (let t = 0; t < types; t++) out[at + t] = Math.max(out[at + t]!, probs[i * classes + 1 + t]!);
    }
  });
  return out;
}

/** What the detector finds in a study: its candidates on the filters' grid, their probabilities [N, 1 + types] and each side's lung extent (`lungPosition.ts`). */
export interface StudyLesions {
  grid: Grid;
  candidates: Candidate[];
  probs: Float32Array;
  lungs: (LungExtent | undefined)[];
  /** Per side, the places within its lung of its voxels at or below −950 HU (LAA-950, emphysema's CT measure). */
  lowAttenuation: [number, number][][];
}

/** The detector over a study, from the fixed filters' responses on its slices (`filterMaps`). */
export async function studyLesions(w: Weights, modality: Float32Array, volume: Grid, maps: FilterMaps): Promise<StudyLesions> {
  const { grid, candidates, features } = studyCandidates(modality, volume, maps);
  const hu = resample(modality, volume, grid);
  const masks = lungMasks(hu, grid);
  const lungs = lungExtents(masks, grid);
  return { grid, candidates, probs: await candidateProbabilities(w, features), lungs, lowAttenuation: lowAttenuationPlaces(hu, masks, grid, lungs) };
}

/** The detector over a study: regions × types of `r`, from the fixed filters' responses on its slices (`filterMaps`), which the pointing head's keys read too. */
export async function studyLesionMaxima(w: Weights, modality: Float32Array, volume: Grid, maps: FilterMaps, r: Grid): Promise<Float32Array> {
  const { grid, candidates, features } = studyCandidates(modality, volume, maps);
  return regionLesionMaxima(candidates, await candidateProbabilities(w, features), w['lesion.d3.bias']!.shape[0]! - 1, grid, r);
}
