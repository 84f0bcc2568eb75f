/**
 * Text → structured facts (finding, location, size, margin, advice), for scoring any summary against
 * the ground truth. It reads with the summary writer's lexicon; a clause that names no finding (an
 * advice after a semicolon, say) belongs to the finding before it.
 */
import { ADVICE_PHRASES, FINDING_PHRASES, FINDINGS_TEXT_PHRASES, LOCATION_PHRASES, MARGIN_KEYS, NORMAL_PHRASES } from './lexicon.ts';
import { reportsSize } from './rules.ts';
import { HAS_MARGIN, type AdviceCode, type Fact, type FindingType, type Location } from './schema.ts';

const ADVICE_LIST = (Object.entries(ADVICE_PHRASES) as [AdviceCode, string[]][])
  .flatMap(([code, phrases]) => phrases.map((p) => [code, p] as const))
  .sort((a, b) => b[1].length - a[1].length);
const LOCATION_LIST = (Object.entries(LOCATION_PHRASES) as [Location, string[]][])
  .flatMap(([loc, phrases]) => phrases.map((p) => [loc, p] as const))
  .sort((a, b) => b[1].length - a[1].length);

export function findingIn(clause: string): FindingType | undefined {
  return FINDING_PHRASES.find(([, phrases]) => phrases.some((p) => clause.includes(p)))?.[0];
}

const DESCRIBED_LIST = [...Object.entries(FINDINGS_TEXT_PHRASES), ...FINDING_PHRASES]
  .flatMap(([type, phrases]) => phrases.map((p) => [type as FindingType, p] as const))
  .sort((a, b) => b[1].length - a[1].length);

/**
 * The finding a sentence of the findings text describes: its longest type phrase, of the findings text's
 * words and the impression's ("混杂磨玻璃密度结节" is part-solid, not the ground-glass "磨玻璃密度结节"). The
 * impression's `findingIn` misreads most findings-text sentences (emphysema's 透亮度增高, effusion's 液性密度影).
 */
export function findingDescribed(sentence: string): FindingType | undefined {
  return DESCRIBED_LIST.find(([, phrase]) => sentence.includes(phrase))?.[0];
}

/** The finding a findings-text sentence describes (`findingDescribed`) and the place it names (`locationIn`; undefined where it names none). */
export function describedFinding(sentence: string): { type: FindingType; place: Location | undefined } | undefined {
  const type = findingDescribed(sentence);
  return type === undefined ? undefined : { type, place: locationIn(sentence) };
}

/** The earliest location phrase in the clause (longest first at the same position): its location, and where the phrase ends. */
export function placePhraseIn(clause: string): { location: Location; end: number } | undefined {
  let best: { at: number; location: Location; end: number } | undefined;
  for (const [location, phrase] of LOCATION_LIST) {
    const at = clause.indexOf(phrase);
    if (at >= 0 && (!best || at < best.at)) best = { at, location, end: at + phrase.length };
  }
  return best && { location: best.location, end: best.end };
}

/** The location of the clause's earliest location phrase (`placePhraseIn`). */
export function locationIn(clause: string): Location | undefined {
  return placePhraseIn(clause)?.location;
}

/** Sizes in mm from "12mm", "12 毫米", "1.2cm", "1.2 厘米". */
export function sizeIn(clause: string): number | undefined {
  const m = /(\d+(?:\.\d+)?)\s*(mm|毫米|cm|厘米)/i.exec(clause);
  if (!m) return undefined;
  const value = Number.parseFloat(m[1]!);
  return Math.round(/cm|厘米/i.test(m[2]!) ? value * 10 : value);
}

function adviceIn(clause: string): AdviceCode | undefined {
  return ADVICE_LIST.find(([, phrase]) => clause.includes(phrase))?.[0];
}

/** Splits into clauses at 。；; and drops item numbers ("1、"). */
function clauses(text: string): string[] {
  return text
    .replace(/(^|[。；;\s])\d+[、.．](?!\d)/g, '$1')
    .split(/[。；;\n]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

export function extractFacts(text: string): Fact[] {
  if (NORMAL_PHRASES.some((p) => text.includes(p))) return [{ finding: 'normal', advice: 'none' }];
  const facts: Fact[] = [];
  for (const clause of clauses(text)) {
    const finding = findingIn(clause);
    const current: Fact | undefined = finding ? { finding, advice: 'none' } : facts[facts.length - 1];
    if (!current) continue;
    if (finding) {
      current.location = locationIn(clause);
      facts.push(current);
    }
    const size = sizeIn(clause);
    if (size !== undefined && reportsSize(current.finding) && current.sizeMm === undefined) current.sizeMm = size;
    const margin = MARGIN_KEYS.find(([, key]) => clause.includes(key))?.[0];
    if (margin && HAS_MARGIN.has(current.finding as FindingType) && !current.margin) current.margin = margin;
    const advice = adviceIn(clause);
    if (advice) current.advice = advice;
  }
  return facts.map(canonicalFact);
}

/** A fact with its fields in one order and absent fields left out, so facts compare as JSON. */
export function canonicalFact(f: Fact): Fact {
  return {
    finding: f.finding,
    ...(f.location !== undefined ? { location: f.location } : {}),
    ...(f.sizeMm !== undefined ? { sizeMm: f.sizeMm } : {}),
    ...(f.margin !== undefined ? { margin: f.margin } : {}),
    advice: f.advice,
  };
}
