/**
 * Which generated tokens take part in the pointing game: those inside a finding's name or its location
 * phrase, in a clause that names a finding the study really has (same type and location). Each such
 * token's visual attention is tested against that finding's boxes.
 */
import { findingIn, locationIn } from '../corpus/factExtractor.ts';
import { FINDING_PHRASES, LOCATION_PHRASES } from '../corpus/lexicon.ts';
import type { FindingTruth } from '../corpus/schema.ts';
import { peakRegion, regionHits } from './pointing.ts';

export interface AttendedToken {
  text: string;
  visualAttention: ArrayLike<number>;
}

/** Character spans of every phrase occurrence in a text. */
function spans(text: string, phrases: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of phrases) for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) out.push([at, at + p.length]);
  return out;
}

export function pointingTrials(tokens: AttendedToken[], regionShape: [number, number, number], volume: { depth: number; height: number; width: number }, findings: FindingTruth[]): boolean[] {
  // The summary without spaces, and each token's character span in it.
  const pieces = tokens.map((t) => t.text.replace(/^##/, ''));
  const starts: number[] = [];
  let plain = '';
  for (const p of pieces) {
    starts.push(plain.length);
    plain += p;
  }
  const results: boolean[] = [];
  let clauseStart = 0;
  for (const clause of plain.split(/(?<=[。；])/)) {
    const type = findingIn(clause);
    const location = locationIn(clause);
    const truth = findings.find((f) => f.type === type && f.location === location);
    if (truth && type && location) {
      const named = spans(clause, [...FINDING_PHRASES.find(([t]) => t === type)![1], ...LOCATION_PHRASES[location]]).map(([a, b]) => [a + clauseStart, b + clauseStart]);
      tokens.forEach((t, i) => {
        const [a, b] = [starts[i]!, starts[i]! + pieces[i]!.length];
        if (named.some(([s, e]) => a < e! && b > s!)) results.push(regionHits(peakRegion(t.visualAttention, regionShape), regionShape, volume, truth.boxes));
      });
    }
    clauseStart += clause.length;
  }
  return results;
}
