/**
 * How well the frozen image encoder localises, before any decoder: for each finding, does the region where
 * the pretraining head's output for the finding's type peaks (and, separately, its "any finding" output)
 * lie on the finding's boxes? The decoder's visual attention can only point where the features tell
 * findings apart, so this bounds the pointing game and lobes read from the image.
 */
import type { FindingTruth } from '../corpus/schema.ts';
import { FINDING_TYPES } from '../corpus/schema.ts';
import { peakRegion, regionHits } from './pointing.ts';

export type HeadPeakHit = { type: FindingTruth['type']; typePeak: boolean; anyPeak: boolean };

/**
 * One study's findings scored against its head logits, laid out [region][output] (regions in the grid's
 * slice-row-column order, outputs as in `headOutputs`: the finding types, then "any finding").
 */
export function headPeakHits(logits: ArrayLike<number>, regionShape: readonly [number, number, number], outputs: number, volume: { depth: number; height: number; width: number }, findings: readonly Pick<FindingTruth, 'type' | 'boxes'>[]): HeadPeakHit[] {
  const regions = regionShape[0] * regionShape[1] * regionShape[2];
  const column = (k: number) => Float32Array.from({ length: regions }, (_, r) => logits[r * outputs + k]!);
  const anyPeak = peakRegion(column(FINDING_TYPES.length), regionShape);
  return findings.map((f) => ({
    type: f.type,
    typePeak: regionHits(peakRegion(column(FINDING_TYPES.indexOf(f.type)), regionShape), regionShape, volume, f.boxes),
    anyPeak: regionHits(anyPeak, regionShape, volume, f.boxes),
  }));
}

/** Hit rates overall ("all") and per finding type, with counts. */
export function tallyHeadPeaks(hits: readonly HeadPeakHit[]): Record<string, { n: number; typePeak: number; anyPeak: number }> {
  const out: Record<string, { n: number; typePeak: number; anyPeak: number }> = {};
  for (const h of hits) {
    for (const key of ['all', h.type]) {
      const s = (out[key] ??= { n: 0, typePeak: 0, anyPeak: 0 });
      s.n++;
      s.typePeak += h.typePeak ? 1 : 0;
      s.anyPeak += h.anyPeak ? 1 : 0;
    }
  }
  for (const s of Object.values(out)) {
    s.typePeak /= s.n;
    s.anyPeak /= s.n;
  }
  return out;
}
