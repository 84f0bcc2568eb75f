/**
 * P(lobe | region) for the decoder's `regionLobes`: over the training split's findings that lie in a lobe,
 * how often each region of the encoder's grid is covered by a finding of each lobe, each row normalised to
 * sum 1 (rows no finding covers stay 0: the table says nothing there). Counted on the training split only.
 */
import { LOBES, lobeIndex, type FindingTruth } from '../corpus/schema.ts';
import { boxRegions } from '../eval/pointing.ts';

export function regionLobeTable(studies: readonly { findings: readonly FindingTruth[]; volume: { depth: number; height: number; width: number } }[], regionShape: [number, number, number]): number[] {
  const regions = regionShape[0] * regionShape[1] * regionShape[2];
  const counts = new Array<number>(regions * LOBES.length).fill(0);
  for (const study of studies)
    for (const f of study.findings) {
      const lobe = lobeIndex(f.location);
      if (lobe < 0) continue;
      boxRegions(regionShape, study.volume, f.boxes).forEach((on, r) => {
        if (on) counts[r * LOBES.length + lobe]! += 1;
      });
    }
  for (let r = 0; r < regions; r++) {
    const row = counts.slice(r * LOBES.length, (r + 1) * LOBES.length);
    const total = row.reduce((a, b) => a + b, 0);
    if (total > 0) row.forEach((v, l) => (counts[r * LOBES.length + l] = v / total));
  }
  return counts;
}
