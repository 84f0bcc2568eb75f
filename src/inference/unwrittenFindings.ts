/**
 * An item's place among the findings not yet written. Asked for one more item than it would write
 * (`--salient-items` counts the sentences that describe a finding), the decoder sometimes writes again an
 * item it has already written ("2、左肺上叶肺气肿…。3、左肺上叶肺气肿…": 6 of the 17 summaries that count
 * changed on seed 18181, docs/experiments.md). No impression of the corpus names one finding type at one
 * place in two items (0 of 500, seed 18181: several findings of a type in a lobe are one item, "多发…").
 * Refusing the repeated type's last token does not help: the decoder then writes around it ("左肺上叶肿肿").
 * So the choice is made as early as it can be: an item's side and level are those of an input sentence
 * whose finding no earlier item wrote, and right after its place, the item may not begin a type phrase that
 * no finding left at that place can finish (where a finding left names no place: that only a finding written
 * there before can finish). Findings read from the image that the text leaves out (`omittedEmphysema.ts`)
 * join them; an item left with those alone is spelled as one of them, since the text gives nothing to restate.
 */
import { describedFinding, extractFacts, findingIn, placePhraseIn } from '../corpus/factExtractor.ts';
import { FINDING_PHRASES, LOCATION_PHRASES } from '../corpus/lexicon.ts';
import { FINDING_TYPES, type FindingType, type Location } from '../corpus/schema.ts';
import { detokenize } from '../text/tokenizer.ts';
import { keepAllowed } from './decode.ts';
import { placedAsText, type PlaceTokens } from './textPlaceConstraint.ts';

/** A finding an input sentence describes, and the place it names (undefined where it names none). */
export type DescribedFinding = NonNullable<ReturnType<typeof describedFinding>>;

/**
 * The findings the input sentences describe (`findingDescribed`), and those read from the image (`imaged`),
 * that `written` (the summary's earlier items) does not give at their place (for one that names none, at any
 * place the text gives no finding of its type).
 */
export function unwrittenFindingsOf(sentences: readonly string[], written: string, imaged: readonly DescribedFinding[] = []): DescribedFinding[] {
  const facts = extractFacts(written);
  const described = [...sentences.map(describedFinding), ...imaged];
  // An item of a type at a place the text gives that type is the placed finding's, not an unplaced one's.
  const placed = (type: FindingType, place: string | undefined) => described.some((d) => d?.type === type && d.place !== undefined && d.place === place);
  return described.flatMap((found) => {
    const done = found && facts.some((f) => f.finding === found.type && (found.place === undefined ? !placed(found.type, f.location) : f.location === found.place));
    return found === undefined || done ? [] : [found];
  });
}

/** Their places; undefined where one names no place (its item's place is then the image's to say) or where none is left. */
export function placesOf(unwritten: readonly DescribedFinding[]): Location[] | undefined {
  if (!unwritten.length || unwritten.some(({ place }) => place === undefined)) return undefined;
  return [...new Set(unwritten.map(({ place }) => place!))];
}

const TYPE_PHRASES = FINDING_PHRASES.flatMap(([type, phrases]) => phrases.map((phrase) => [type, phrase] as const));

/**
 * Whether `text`, written right after an item's place, begins or finishes a type phrase (`FINDING_PHRASES`)
 * of a type in `refused` and of no other type: only a refused finding can come of it.
 */
export function beginsOnly(text: string, refused: ReadonlySet<FindingType>): boolean {
  const fits = TYPE_PHRASES.filter(([, phrase]) => phrase.startsWith(text) || text.startsWith(phrase));
  return fits.length > 0 && fits.every(([type]) => refused.has(type));
}

/** The ways an item may write `finding`: each phrase of its place, then each of its type (`LOCATION_PHRASES`, `FINDING_PHRASES`). */
export function spellings({ type, place }: DescribedFinding): string[] {
  const types = TYPE_PHRASES.flatMap(([t, phrase]) => (t === type ? [phrase] : []));
  return place === undefined ? types : LOCATION_PHRASES[place].flatMap((at) => types.map((phrase) => at + phrase));
}

/**
 * The types an item at `place` may not write: where every unwritten finding names its place, those not
 * unwritten there; otherwise those an earlier item wrote there (`facts`).
 */
export function refusedTypes(place: Location, unwritten: readonly DescribedFinding[], facts: ReturnType<typeof extractFacts>): Set<FindingType> {
  if (placesOf(unwritten)) return new Set(FINDING_TYPES.filter((type) => !unwritten.some((f) => f.type === type && f.place === place)));
  return new Set(facts.flatMap((f) => (f.location === place ? [f.finding as FindingType] : [])));
}

/** The constraint over one summary's decoding (`unwrittenFindings`). */
export interface UnwrittenFindings {
  /** The findings no item before the current one wrote (`unwrittenFindingsOf`), after `prefix`. */
  findings(prefix: readonly number[]): DescribedFinding[];
  /** The places the current item may take after `prefix` (`placesOf` the unwritten findings; for the first item, every finding the text describes), or undefined where none are known. */
  places(prefix: readonly number[]): Location[] | undefined;
  /**
   * The next-token probabilities after `prefix` for an item (the first too: nothing is written yet, so it is
   * kept to the text's places only where every finding sentence names one): its first token after the number one of
   * the places' sides (kept from the other sides only, the decoder escapes them: "3、2下肺…"); its side and
   * level kept to the places (`placedAsText`); and, right after its place, 0 for a token that begins a type
   * phrase only a refused type can finish (`refusedTypes`, `beginsOnly`). An item left with findings read
   * from the image alone: one of their `spellings`, token by token. An item past its type, and an item
   * where nothing is known, as the model writes them.
   */
  constrain(prefix: readonly number[], probs: Float32Array): Float32Array;
}

/**
 * The constraint for a summary of the input `sentences`, over a vocabulary (`vocab`: token strings by id;
 * `t`: its place tokens). The summary so far is the decoded `prefix`, without BOS. With findings read from
 * the image (`imaged`, which the text does not describe), the summary's first token must begin an item: one
 * of the places' sides, or `numberStart` (the first token of "1、") where the summary is to be numbered.
 */
export function unwrittenFindings(t: PlaceTokens, vocab: readonly string[], sentences: readonly string[], imaged: readonly DescribedFinding[] = [], numberStart?: number): UnwrittenFindings {
  const text = (ids: readonly number[]) => detokenize(ids.map((id) => vocab[id]!));
  // Each token's text as it continues a word, worked out once: the rules below read it for every token at every step.
  const pieces = vocab.map((token) => token.replace(/^##/, ''));
  // Beams share their earlier items, and every step asks again: read each written prefix once.
  const read = new Map<string, { facts: ReturnType<typeof extractFacts>; unwritten: DescribedFinding[]; places: Location[] | undefined }>();
  // Both rules of a step (`places`, then `constrain`) get the same prefix array: detokenize it once.
  const readings = new WeakMap<readonly number[], ReturnType<typeof readPrefix>>();
  const readPrefix = (prefix: readonly number[]) => {
    const itemStart = prefix.lastIndexOf(t.end) + 1;
    const written = text(prefix.slice(0, itemStart));
    let known = read.get(written);
    if (!known) {
      const unwritten = unwrittenFindingsOf(sentences, written, imaged);
      read.set(written, (known = { facts: extractFacts(written), unwritten, places: placesOf(unwritten) }));
    }
    return { ...known, item: text(prefix.slice(itemStart)) };
  };
  const earlier = (prefix: readonly number[]) => {
    let reading = readings.get(prefix);
    if (!reading) readings.set(prefix, (reading = readPrefix(prefix)));
    return reading;
  };
  return {
    findings: (prefix) => earlier(prefix).unwritten,
    places: (prefix) => earlier(prefix).places,
    constrain(prefix, probs) {
      const { facts, unwritten, places, item } = earlier(prefix);
      // An item left with findings read from the image alone is spelled as one of them: a model reading a
      // text that names none would write "左肺未见明显异常" there. (Not inside its number, nor between items:
      // the numbering and the end are the item count's.)
      const starts = item === '' ? prefix.length === 0 : !/^\d+$/.test(item);
      const spelled = imaged.length && starts && unwritten.every((f) => imaged.includes(f)) ? unwritten.flatMap(spellings) : [];
      const body = spelled.length ? item.replace(/^\d+、/, '') : '';
      if (spelled.length && !spelled.some((w) => body.startsWith(w))) {
        return keepAllowed(probs, (id) => {
          const x = body + pieces[id]!;
          return (prefix.length === 0 && id === numberStart) || spelled.some((w) => w.startsWith(x) || x.startsWith(w));
        });
      }
      const sides = places && /^\d+、$/.test(item) ? new Set(places.map((place) => place[0])) : undefined;
      if (sides) return keepAllowed(probs, (id) => t.side.has(id) && sides.has(t.side.get(id)!));
      const placed = places ? placedAsText(t, prefix, probs, places) : probs;
      const placePhrase = placePhraseIn(item);
      if (placePhrase === undefined || findingIn(item) !== undefined) return placed;
      const typed = item.slice(placePhrase.end);
      const refused = refusedTypes(placePhrase.location, unwritten, facts);
      if (!refused.size) return placed;
      return placed.map((p, id) => (p > 0 && beginsOnly(typed + pieces[id]!, refused) ? 0 : p));
    },
  };
}
