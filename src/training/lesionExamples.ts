/**
 * The lesion classifier's training examples (`inference/lesions`): every candidate of a study with its class,
 * 0 for none or 1 + the finding type's index in FINDING_TYPES. A candidate belongs to a finding when a voxel
 * of that finding lies in the 4 × 4 block of the patch grid around it (voxel labels: the corpus), or, for data
 * with boxes only, when it lies in the finding's box on its slice (the smallest box, where they overlap).
 * Most candidates are vessels; the strongest few of each slice are kept, and a tenth of the rest.
 */
import { FINDING_TYPES, type FindingTruth } from '../corpus/schema.ts';
import type { Random } from '../corpus/random.ts';
import { filterMaps } from '../inference/filterMaxima.ts';
import { CANDIDATE_FEATURES, type Candidate } from '../inference/lesions/candidates.ts';
import { studyCandidates } from '../inference/lesions/regionLesions.ts';
import type { Grid } from '../inference/preprocess.ts';

/** Negatives kept whatever their rank: the strongest of each slice, the vessels a lesion is mistaken for. */
const KEPT_NEGATIVES_PER_SLICE = 8;
/** The share of the other negatives kept. */
const NEGATIVE_SHARE = 0.1;

/** Candidates' features as bytes (value × 255: 1.7 kB a candidate) and their classes. */
export interface LesionExamples {
  features: Uint8Array;
  classes: Uint8Array;
}

/** The class of each candidate on the filters' grid `grid`, from the study's voxel labels or its findings' boxes. */
export function candidateClasses(candidates: readonly Candidate[], grid: Grid, volume: Grid, findings: readonly Pick<FindingTruth, 'type' | 'boxes'>[], labels?: Uint8Array): Uint8Array {
  // Patch-grid pixel (twice the filters' grid) → the volume's pixel.
  const toVolume = (fine: number, fineSize: number, size: number) => Math.min(size - 1, Math.max(0, Math.floor(((fine + 0.5) * size) / fineSize)));
  const classOf = (f: number) => 1 + FINDING_TYPES.indexOf(findings[f]!.type);
  return Uint8Array.from(candidates, ({ z, y, x }) => {
    if (labels) {
      for (let fy = 2 * y - 1; fy <= 2 * y + 2; fy++)
        for (let fx = 2 * x - 1; fx <= 2 * x + 2; fx++) {
          const v = (z * volume.height + toVolume(fy, 2 * grid.height, volume.height)) * volume.width + toVolume(fx, 2 * grid.width, volume.width);
          if (labels[v]) return classOf(labels[v]! - 1);
        }
      return 0;
    }
    const vy = toVolume(2 * y, 2 * grid.height, volume.height);
    const vx = toVolume(2 * x, 2 * grid.width, volume.width);
    let best = 0;
    let area = Infinity;
    findings.forEach((f, i) =>
      f.boxes.forEach(({ slice, box: [x0, y0, x1, y1] }) => {
        const a = (x1 - x0 + 1) * (y1 - y0 + 1);
        if (slice === z && vx >= x0 && vx <= x1 && vy >= y0 && vy <= y1 && a < area) [best, area] = [classOf(i), a];
      }),
    );
    return best;
  });
}

/** One study's kept candidates: all that belong to a finding, the strongest negatives of each slice, `NEGATIVE_SHARE` of the rest. */
export function studyLesionExamples(modality: Float32Array, volume: Grid, to: Grid, findings: readonly Pick<FindingTruth, 'type' | 'boxes'>[], rand: Random, labels?: Uint8Array): LesionExamples {
  const { grid, candidates, features } = studyCandidates(modality, volume, filterMaps(modality, volume, to));
  const classes = candidateClasses(candidates, grid, volume, findings, labels);
  const kept: number[] = [];
  let rank = 0;
  candidates.forEach((c, i) => {
    rank = i > 0 && candidates[i - 1]!.z === c.z ? rank + 1 : 0;
    if (classes[i] || rank < KEPT_NEGATIVES_PER_SLICE || rand.next() < NEGATIVE_SHARE) kept.push(i);
  });
  const out = new Uint8Array(kept.length * CANDIDATE_FEATURES);
  kept.forEach((i, row) => {
    for (let k = 0; k < CANDIDATE_FEATURES; k++) out[row * CANDIDATE_FEATURES + k] = Math.round(features[i * CANDIDATE_FEATURES + k]! * 255);
  });
  return { features: out, classes: Uint8Array.from(kept, (i) => classes[i]!) };
}

/** Several studies' examples as one set. */
export function joinExamples(parts: readonly LesionExamples[]): LesionExamples {
  const features = new Uint8Array(parts.reduce((n, p) => n + p.features.length, 0));
  const classes = new Uint8Array(parts.reduce((n, p) => n + p.classes.length, 0));
  let f = 0;
  let c = 0;
  for (const p of parts) {
    features.set(p.features, f);
    classes.set(p.classes, c);
    f += p.features.length;
    c += p.classes.length;
  }
  return { features, classes };
}
