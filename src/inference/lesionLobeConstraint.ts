/**
 * An item's lobe from the lesion detector, where the input text leaves the lobe out. The pointing head
 * reads the frozen encoder's features, whose detection of small findings is weak: on the items that restate
 * a sentence without its lobe, its peak lies on the finding for about 60 % of them. The detector
 * (`lesions/`) classifies candidates at the image's own resolution, and its peak for the sentence's finding
 * type lies on the finding for 88 % of findings given the side (docs/experiments.md, "A convolutional lesion
 * classifier"). Here the item's side and level are weighed as with `--pointed-lobes` (`weighedByShares`), by
 * P(lobe | side, position within the lung) at the candidate where the detector's probability for that type
 * peaks on the sentence's side (`lesions/lungLobes.ts`); for emphysema, at its low-attenuation voxels
 * (≤ −950 HU) instead. The type is read with the findings text's own words (`findingDescribed`). Where the
 * detector finds no candidate of the type on that side, the model's own probabilities stand.
 *
 * A finding the text leaves unplaced is not one it places: where another sentence names a lobe for the same
 * type, the peak is looked for away from that lobe (`lobesNamedFor`). A report describes a type's findings in
 * one lobe in one sentence (the corpus never draws one type twice in a lobe), and the detector's strongest
 * candidate for the type is otherwise often the placed finding: S777-00141 and the test split's S1-00367 wrote
 * the unplaced nodules at the lobe the text gave the other (docs/experiments.md, stop 72).
 */
import { describedFinding, findingDescribed, locationIn } from '../corpus/factExtractor.ts';
import { FINDING_TYPES, isLobe, LOBES, PLEURAL_SIDES, type FindingType, type Lobe, type Location } from '../corpus/schema.ts';
import { keepAllowed } from './decode.ts';
import { lobeSharesAt, type LungLobeTable } from './lesions/lungLobes.ts';
import { LUNG_SIDES, positionInLung, sideOfColumn } from './lesions/lungPosition.ts';
import type { StudyLesions } from './lesions/regionLesions.ts';
import { sentenceSide, weighedByShares } from './pointedLobeConstraint.ts';
import { placeSlot, type PlaceTokens } from './textPlaceConstraint.ts';
import type { DescribedFinding } from './unwrittenFindings.ts';

/** The lobes that `sentences` name for findings of `type` ("左肺上叶见…实性结节…"). */
export function lobesNamedFor(type: FindingType, sentences: readonly string[]): Lobe[] {
  return [...new Set(sentences.flatMap((s) => {
    const place = findingDescribed(s) === type ? locationIn(s) : undefined;
    return place !== undefined && isLobe(place) ? [place] : [];
  }))];
}

/** Shares with the `excluded` lobes left out, the rest renormalised; undefined where nothing is left. */
function without(shares: Map<Lobe, number> | undefined, excluded: readonly Lobe[]): Map<Lobe, number> | undefined {
  if (!shares || !excluded.length) return shares;
  const kept = [...shares].filter(([lobe]) => !excluded.includes(lobe));
  const total = kept.reduce((sum, [, v]) => sum + v, 0);
  return total > 0 ? new Map(kept.map(([lobe, v]) => [lobe, v / total])) : undefined;
}

/** The lobes' shares at candidate `i`'s place within its lung (`lobeSharesAt`); undefined where its side has no lung. */
function candidateShares(study: StudyLesions, table: LungLobeTable, i: number): Map<Lobe, number> | undefined {
  const { z, y, x } = study.candidates[i]!;
  const s = sideOfColumn(x, study.grid.width);
  const lung = study.lungs[s];
  return lung && lobeSharesAt(table, LUNG_SIDES[s], positionInLung(lung, z, y));
}

/** The share of `excluded` lobes at a candidate's place within its lung (0 where there is no lung or table entry). */
function excludedShare(study: StudyLesions, table: LungLobeTable, i: number, excluded: readonly Lobe[]): number {
  const shares = candidateShares(study, table, i);
  return shares ? excluded.reduce((sum, lobe) => sum + (shares.get(lobe) ?? 0), 0) : 0;
}

/**
 * The candidate where the detector's probability for `type` (every type's largest, without one), times
 * `weight` (1 without one), is largest, among those on `side` (or all without a side); the first on a tie.
 * Undefined where that is 0 or there are none.
 */
export function lesionPeak({ grid, candidates, probs }: Pick<StudyLesions, 'grid' | 'candidates' | 'probs'>, type: FindingType | undefined, side: '左' | '右' | undefined, weight: (candidate: number) => number = () => 1): number | undefined {
  const classes = FINDING_TYPES.length + 1;
  const column = type === undefined ? undefined : 1 + FINDING_TYPES.indexOf(type);
  let [best, at] = [0, -1];
  candidates.forEach(({ x }, i) => {
    if (side !== undefined && LUNG_SIDES[sideOfColumn(x, grid.width)] !== side) return;
    let v = 0;
    for (let c = 1; c < classes; c++) if (column === undefined || c === column) v = Math.max(v, probs[i * classes + c]!);
    v *= weight(i);
    if (v > best) [best, at] = [v, i];
  });
  return at < 0 ? undefined : at;
}

/**
 * Emphysema's lobes' shares from its low-attenuation voxels on `side` (both sides without one): the mean of
 * the shares at each voxel's place in its lung. The detector peaks on emphysema worst of all types (44 % of
 * findings, seed 555): its candidates are blob filters' maxima, and emphysema is a fall in density, which
 * quantitative CT measures by the voxels at or below −950 HU. Undefined where the side has none.
 */
function lowAttenuationShares(study: StudyLesions, table: LungLobeTable, side: '左' | '右' | undefined): Map<Lobe, number> | undefined {
  const sum = new Map<Lobe, number>();
  let n = 0;
  LUNG_SIDES.forEach((s, k) => {
    if (side !== undefined && s !== side) return;
    for (const place of study.lowAttenuation[k]!) {
      const shares = lobeSharesAt(table, s, place);
      if (!shares) continue;
      n++;
      for (const [lobe, v] of shares) sum.set(lobe, (sum.get(lobe) ?? 0) + v);
    }
  });
  return n > 0 ? new Map([...sum].map(([lobe, v]) => [lobe, v / n])) : undefined;
}

/**
 * The lobes' shares at the detector's peak for `type` on `side` (`lesionPeak`), within its lung
 * (`lobeSharesAt`); for emphysema, from its low-attenuation voxels where the side has any. With `excluded`
 * lobes (another finding's of the type, `lobesNamedFor`), each candidate's probability is weighed by the
 * share of the other lobes at its place, and the shares leave those lobes out. Undefined where there is no
 * peak or no lung, or nothing is left.
 */
export function lesionLobeShares(study: StudyLesions, table: LungLobeTable, type: FindingType | undefined, side: '左' | '右' | undefined, excluded: readonly Lobe[] = []): Map<Lobe, number> | undefined {
  const lowAttenuation = type === 'emphysema' ? lowAttenuationShares(study, table, side) : undefined;
  if (lowAttenuation) return without(lowAttenuation, excluded);
  const peak = lesionPeak(study, type, side, excluded.length ? (i) => 1 - excludedShare(study, table, i, excluded) : undefined);
  return peak === undefined ? undefined : without(candidateShares(study, table, peak), excluded);
}

/**
 * The next-token probabilities with the item's side and level weighed by the lobes' shares at the detector's
 * peak, where the restated sentence names no place (away from the lobes the other `sentences` name for its
 * type); elsewhere the model's own. Where the detector gives shares for a lobar finding type the sentence
 * names, the token right after the item's "左肺" / "右肺" must be a level: the model otherwise goes on
 * without one ("右肺占位性病变"), and the weighing of the levels is lost. Likewise an item's first token
 * (`itemStart`: right after its number) must be a side, as every item of the corpus's impressions begins
 * with its place: the model otherwise escapes the weighed sides ("3、3上肺肺气肿", S777-00133).
 */
export function weighedByLesions(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, sentence: string | undefined, namesPlace: boolean, study: StudyLesions, table: LungLobeTable, sentences: readonly string[] = [], itemStart = false): Float32Array {
  let placed = false;
  const weighed = weighedByShares(t, prefix, probs, sentence, namesPlace, (side, restated) => {
    const type = findingDescribed(restated);
    const shares = lesionLobeShares(study, table, type, side, type === undefined ? [] : lobesNamedFor(type, sentences));
    // Only a finding type read from the sentence: what it is not ("右肺门…") may have no lobe to write.
    placed = shares !== undefined && type !== undefined && type !== 'pleural-effusion';
    return shares;
  });
  return placed ? keptToPlace(t, prefix, weighed, itemStart) : weighed;
}

/**
 * An item whose place the detector weighs, kept to writing one: right after its number (`itemStart`) a side
 * only, and right after its "左肺" / "右肺" a level only; elsewhere `weighed` as it is.
 */
function keptToPlace(t: PlaceTokens, prefix: readonly number[], weighed: Float32Array, itemStart: boolean): Float32Array {
  if (itemStart) return keepAllowed(weighed, (id) => t.side.has(id));
  const afterSideLung = prefix[prefix.length - 1] === t.lung && placeSlot(t, prefix)?.next === 'level';
  return afterSideLung ? keepAllowed(weighed, (id) => t.level.has(id)) : weighed;
}

/**
 * Where an unplaced finding may lie: the detector's lobe shares for its type (on the side its sentence
 * names, else on either), away from the lobes the text names for the type; where the detector gives none,
 * or for a pleural effusion, every place on that side (or both), each at 1. The shares are of side and level
 * together: a level on the side the detector does not put it weighs 0, though another finding took the item
 * to that side.
 */
function unplacedShares(type: FindingType, study: StudyLesions, table: LungLobeTable, sentences: readonly string[]): { shares: Map<Location, number>; detected: boolean } {
  const side = sentences.map((s) => (describedFinding(s)?.type === type && locationIn(s) === undefined ? sentenceSide(s) : undefined)).find((s) => s !== undefined);
  const shares = type === 'pleural-effusion' ? undefined : lesionLobeShares(study, table, type, side, lobesNamedFor(type, sentences));
  if (shares) return { shares, detected: true };
  const open = [...(type === 'pleural-effusion' ? PLEURAL_SIDES : LOBES)].filter((place) => side === undefined || place[0] === side);
  return { shares: new Map(open.map((place) => [place, 1])), detected: false };
}

/**
 * The next-token probabilities with an item's side and level weighed by `findings` the item may be writing,
 * one or more of which the text leaves unplaced: a side or level keeps the weight of the finding that fits it
 * best, 1 for one the text places there, the detector's share for one it leaves unplaced (`unplacedShares`).
 * The summarizer passes the findings left to write where the restated sentence (the attention's peak)
 * describes none of them, because it is a sentence already written: weighing by that sentence alone left such
 * items to the model, which wrote the unplaced finding at a lobe the text gives another one (S49494-02385:
 * "左上肺实性结节" for one in 右肺下叶). Where the sentence describes a finding left, it decides: weighing by
 * findings of other types too garbles items, since an item writes its place before its type
 * (docs/experiments.md, stop 75). As in `weighedByLesions`, an item whose finding the detector places begins
 * with a side, and a level follows its "左肺" / "右肺".
 */
export function weighedByFindings(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, findings: readonly DescribedFinding[], study: StudyLesions, table: LungLobeTable, sentences: readonly string[], itemStart = false): Float32Array {
  const slot = placeSlot(t, prefix);
  if (!slot) return probs;
  const options = findings.map(({ type, place }) => (place !== undefined ? { shares: new Map([[place, 1]]), detected: false } : unplacedShares(type, study, table, sentences)));
  const weight = (fits: (place: Location) => boolean) => Math.max(0, ...options.map(({ shares }) => Math.min(1, [...shares].reduce((sum, [place, v]) => sum + (fits(place) ? v : 0), 0))));
  const weighed = slot.next === 'side'
    ? probs.map((p, id) => (t.side.has(id) ? p * weight((place) => place[0] === t.side.get(id)) : p))
    : probs.map((p, id) => (t.level.has(id) ? p * weight((place) => place[0] === slot.side && isLobe(place) && place[2] === t.level.get(id)) : p));
  return options.some((o) => o.detected) ? keptToPlace(t, prefix, weighed, itemStart) : weighed;
}
