/**
 * Which tokens of a summary name one of the study's real findings: those inside a finding's name or its
 * location phrase, in a clause (up to 。 or ；) that names a finding the study has (same type and
 * location). The pointing game scores these tokens' attention; training supervises it.
 */
import { findingIn, locationIn } from './factExtractor.ts';
import { FINDING_PHRASES, LOCATION_PHRASES } from './lexicon.ts';
import type { FindingTruth } from './schema.ts';

/** Character spans of every phrase occurrence in a text. */
function spans(text: string, phrases: string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of phrases) for (let at = text.indexOf(p); at >= 0; at = text.indexOf(p, at + 1)) out.push([at, at + p.length]);
  return out;
}

/** Per token (WordPiece texts, "##" continuations allowed): the finding it names, or undefined. */
export function findingMentions(tokens: readonly string[], findings: readonly FindingTruth[]): (FindingTruth | undefined)[] {
  // The summary without spaces, and each token's character span in it.
  const pieces = tokens.map((t) => t.replace(/^##/, ''));
  const starts: number[] = [];
  let plain = '';
  for (const p of pieces) {
    starts.push(plain.length);
    plain += p;
  }
  const out: (FindingTruth | undefined)[] = tokens.map(() => undefined);
  let clauseStart = 0;
  for (const clause of plain.split(/(?<=[。；])/)) {
    const type = findingIn(clause);
    const location = locationIn(clause);
    const truth = findings.find((f) => f.type === type && f.location === location);
    if (truth && type && location) {
      const named = spans(clause, [...FINDING_PHRASES.find(([t]) => t === type)![1], ...LOCATION_PHRASES[location]]).map(([a, b]) => [a + clauseStart, b + clauseStart]);
      pieces.forEach((p, i) => {
        const [a, b] = [starts[i]!, starts[i]! + p.length];
        if (named.some(([s, e]) => a < e! && b > s!)) out[i] = truth;
      });
    }
    clauseStart += clause.length;
  }
  return out;
}
