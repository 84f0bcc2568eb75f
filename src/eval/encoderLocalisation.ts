/**
 * How well the frozen image encoder localises, before any decoder: for each finding, does the region where
 * the pretraining head's output for the finding's type peaks (and, separately, its "any finding" output)
 * lie on the finding's boxes? The decoder's visual attention can only point where the features tell
 * findings apart, so this bounds the pointing game and lobes read from the image.
 */
import { LOBES, lobeIndex, type FindingTruth } from '../corpus/schema.ts';
import { headOutputs, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { findingChannels } from '../training/imageExamples.ts';
import { boxRegions, peakRegion, regionHits } from './pointing.ts';

/**
 * With a P(lobe | region) table, for findings in a lobe: does the head's type output name the finding's lobe
 * (`lobe`, `headLobe`), and do the finding's own regions (`lobeCeiling`, `boxesLobe`)?
 */
export type HeadPeakHit = { type: FindingTruth['type']; typePeak: boolean; anyPeak: boolean; lobe?: boolean; lobeCeiling?: boolean };

/**
 * The lobe one head output points to: argmax over lobes of Σ_r σ(logit_r) · P(lobe | r), with `table`
 * laid out [region][lobe] (`regionLobeTable`, from the training split); −1 where the table is all zero.
 * What a decoder could name from this encoder for a lobe the text leaves out, read off the head alone.
 */
export function headLobe(logits: ArrayLike<number>, output: number, outputs: number, table: readonly number[]): number {
  const regions = table.length / LOBES.length;
  const evidence = new Array<number>(LOBES.length).fill(0);
  for (let r = 0; r < regions; r++) {
    const p = 1 / (1 + Math.exp(-logits[r * outputs + output]!));
    for (let l = 0; l < LOBES.length; l++) evidence[l]! += p * table[r * LOBES.length + l]!;
  }
  const best = Math.max(...evidence);
  return best > 0 ? evidence.indexOf(best) : -1;
}

/**
 * The lobe the table names from a finding's own regions (a head that is certain there and nowhere else:
 * logits ±∞): the ceiling of `headLobe`, set by how coarsely the regions cut across the lobes.
 */
export function boxesLobe(regionShape: readonly [number, number, number], volume: { depth: number; height: number; width: number }, f: Pick<FindingTruth, 'boxes'>, table: readonly number[]): number {
  return headLobe(Array.from(boxRegions(regionShape, volume, f.boxes), (on) => (on ? Infinity : -Infinity)), 0, 1, table);
}

/**
 * One study's findings scored against its head logits, laid out [region][output] (regions in the grid's
 * slice-row-column order, outputs as in `headOutputs`; each finding's type and "any finding" outputs are
 * the ones it is trained on, `findingChannels`).
 */
export function headPeakHits(logits: ArrayLike<number>, regionShape: readonly [number, number, number], c: ImageEncoderConfig, volume: { depth: number; height: number; width: number }, findings: readonly Pick<FindingTruth, 'type' | 'location' | 'boxes'>[], lobeTable?: readonly number[]): HeadPeakHit[] {
  const regions = regionShape[0] * regionShape[1] * regionShape[2];
  const outputs = headOutputs(c);
  // Each output's peak once per study: "any finding" and a type shared by several findings are asked again.
  const peaks = new Map<number, ReturnType<typeof peakRegion>>();
  const peakOf = (k: number) => {
    if (!peaks.has(k)) peaks.set(k, peakRegion(Float32Array.from({ length: regions }, (_, r) => logits[r * outputs + k]!), regionShape));
    return peaks.get(k)!;
  };
  const peakHits = (k: number, f: Pick<FindingTruth, 'boxes'>) => regionHits(peakOf(k), regionShape, volume, f.boxes);
  return findings.map((f) => {
    const [typeOutput, anyOutput] = findingChannels(f, c) as [number, number];
    const lobe = lobeIndex(f.location);
    const lobes = lobeTable && lobe >= 0 ? { lobe: headLobe(logits, typeOutput, outputs, lobeTable) === lobe, lobeCeiling: boxesLobe(regionShape, volume, f, lobeTable) === lobe } : {};
    return { type: f.type, typePeak: peakHits(typeOutput, f), anyPeak: peakHits(anyOutput, f), ...lobes };
  });
}

type Tally = { n: number; typePeak: number; anyPeak: number; inLobe: number; lobe: number; lobeCeiling: number };

/** Hit rates overall ("all") and per finding type, with counts; `lobe` and `lobeCeiling` are over the `inLobe` findings scored for them (0 if none). */
export function tallyHeadPeaks(hits: readonly HeadPeakHit[]): Record<string, Tally> {
  const out: Record<string, Tally> = {};
  for (const h of hits) {
    for (const key of ['all', h.type]) {
      const s = (out[key] ??= { n: 0, typePeak: 0, anyPeak: 0, inLobe: 0, lobe: 0, lobeCeiling: 0 });
      s.n++;
      s.typePeak += h.typePeak ? 1 : 0;
      s.anyPeak += h.anyPeak ? 1 : 0;
      if (h.lobe !== undefined) {
        s.inLobe++;
        s.lobe += h.lobe ? 1 : 0;
        s.lobeCeiling += h.lobeCeiling ? 1 : 0;
      }
    }
  }
  for (const s of Object.values(out)) {
    s.typePeak /= s.n;
    s.anyPeak /= s.n;
    if (s.inLobe) {
      s.lobe /= s.inLobe;
      s.lobeCeiling /= s.inLobe;
    }
  }
  return out;
}

/**
 * How sure the head is that a study has each finding type, and any finding at all: per output, the largest
 * σ(logit) over the regions (logits laid out [region][output]; the lobe outputs are left out). A study-level
 * detector read off the frozen encoder: what a decoder could report of a finding the text leaves out.
 */
export function studyScores(logits: ArrayLike<number>, c: ImageEncoderConfig): number[] {
  const outputs = headOutputs(c);
  const regions = logits.length / outputs;
  return Array.from({ length: c.findingTypes + 1 }, (_, k) => {
    let best = -Infinity;
    for (let r = 0; r < regions; r++) best = Math.max(best, logits[r * outputs + k]!);
    return 1 / (1 + Math.exp(-best));
  });
}

/** Area under the ROC curve: the chance that a positive scores above a negative, ties counted half (Mann–Whitney). */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (!positives.length || !negatives.length) return NaN;
  let wins = 0;
  for (const p of positives) for (const q of negatives) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

/**
 * How many `scores` lie above the threshold that lets through the fraction `falseAlarms` of `negatives`
 * (its (1 − falseAlarms) empirical quantile): detections at that false-alarm rate; NaN without negatives.
 */
export function detectedAt(scores: readonly number[], negatives: readonly number[], falseAlarms: number): number {
  if (!negatives.length) return NaN; // no threshold without negatives, as rocAuc
  const sorted = [...negatives].sort((a, b) => a - b);
  const cut = sorted[Math.min(sorted.length - 1, Math.floor((1 - falseAlarms) * sorted.length))]!;
  return scores.filter((s) => s > cut).length;
}

/**
 * Does one value per region (a fixed filter's largest response, `regionFilterMaxima`) peak on each finding,
 * given the side the finding lies on, as a text that names the side but not the lobe tells? The peak is
 * taken over the region columns of that side (the patient's right is the image's left half).
 */
export function sidePeakHits(perRegion: ArrayLike<number>, regionShape: readonly [number, number, number], volume: { depth: number; height: number; width: number }, findings: readonly Pick<FindingTruth, 'location' | 'boxes'>[]): boolean[] {
  const rw = regionShape[2];
  const peakOn = (right: boolean) => peakRegion(Float32Array.from(perRegion, (v, i) => ((i % rw < rw / 2) === right ? v : -Infinity)), regionShape);
  const peaks = { right: peakOn(true), left: peakOn(false) };
  return findings.map((f) => regionHits(f.location.startsWith('右') ? peaks.right : peaks.left, regionShape, volume, f.boxes));
}
