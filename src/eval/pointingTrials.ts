/**
 * The pointing game's trials: every generated token that names one of the study's real findings
 * (`findingMentions`) has its visual attention tested against that finding's boxes.
 */
import { findingMentions } from '../corpus/findingMentions.ts';
import type { FindingTruth } from '../corpus/schema.ts';
import { peakRegion, regionHits } from './pointing.ts';

export interface AttendedToken {
  text: string;
  visualAttention: ArrayLike<number>;
}

export function pointingTrials(tokens: AttendedToken[], regionShape: [number, number, number], volume: { depth: number; height: number; width: number }, findings: FindingTruth[]): boolean[] {
  const named = findingMentions(tokens.map((t) => t.text), findings);
  return tokens.flatMap((t, i) => (named[i] ? [regionHits(peakRegion(t.visualAttention, regionShape), regionShape, volume, named[i].boxes)] : []));
}
