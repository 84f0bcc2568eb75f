/**
 * How well the frozen image encoder localises, before any decoder: for each finding, does the region where
 * the pretraining head's output for the finding's type peaks (and, separately, its "any finding" output)
 * lie on the finding's boxes? The decoder's visual attention can only point where the features tell
 * findings apart, so this bounds the pointing game and lobes read from the image.
 */
import type { FindingTruth } from '../corpus/schema.ts';
import { headOutputs, type ImageEncoderConfig } from '../inference/models/imageEncoder.ts';
import { findingChannels } from '../training/imageExamples.ts';
import { peakRegion, regionHits } from './pointing.ts';

export type HeadPeakHit = { type: FindingTruth['type']; typePeak: boolean; anyPeak: boolean };

/**
 * One study's findings scored against its head logits, laid out [region][output] (regions in the grid's
 * slice-row-column order, outputs as in `headOutputs`; each finding's type and "any finding" outputs are
 * the ones it is trained on, `findingChannels`).
 */
export function headPeakHits(logits: ArrayLike<number>, regionShape: readonly [number, number, number], c: ImageEncoderConfig, volume: { depth: number; height: number; width: number }, findings: readonly Pick<FindingTruth, 'type' | 'location' | 'boxes'>[]): HeadPeakHit[] {
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
    return { type: f.type, typePeak: peakHits(typeOutput, f), anyPeak: peakHits(anyOutput, f) };
  });
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
