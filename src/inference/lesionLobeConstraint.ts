/**
 * An item's lobe from the lesion detector, where the input text leaves the lobe out. The pointing head
 * reads the frozen encoder's features, whose detection of small findings is weak: on the items that restate
 * a sentence without its lobe, its peak lies on the finding for about 60 % of them. The detector
 * (`lesions/`) classifies candidates at the image's own resolution, and its peak for the sentence's finding
 * type lies on the finding for about 80 % of findings given the side (docs/experiments.md, "A learned
 * lesion detector"). Here the item's side and level are weighed as with `--pointed-lobes`
 * (`weighedByRegions`), with the region where the detector's probability for that type peaks, on the
 * sentence's side, in place of the head's attention: P(lobe | that region). The type is read with the
 * findings text's own words (`findingDescribed`). Where the detector finds no candidate of the type on that
 * side, the model's own probabilities stand.
 */
import { findingDescribed } from '../corpus/factExtractor.ts';
import { FINDING_TYPES, type FindingType } from '../corpus/schema.ts';
import { weighedByRegions, type RegionLobeTable } from './pointedLobeConstraint.ts';
import type { PlaceTokens } from './textPlaceConstraint.ts';

/**
 * One-hot over the regions: where the detector's probability for `type` (every type's largest, without
 * one) is largest among the regions on `side` (the patient's right is the image's left half, as the viewer
 * shows it), or among all without a side; the first such region on a tie. Undefined where that is 0: no
 * candidate there. `maxima`: regions × FINDING_TYPES.length (`regionLesionMaxima`); `regionWidth`: the
 * region grid's columns.
 */
export function lesionPeak(maxima: ArrayLike<number>, regionWidth: number, type: FindingType | undefined, side: '左' | '右' | undefined): Float32Array | undefined {
  const types = FINDING_TYPES.length;
  const regions = maxima.length / types;
  const column = type === undefined ? undefined : FINDING_TYPES.indexOf(type);
  let best = 0;
  let at = -1;
  for (let r = 0; r < regions; r++) {
    if (side !== undefined && r % regionWidth < regionWidth / 2 !== (side === '右')) continue;
    let v = 0;
    for (let t = 0; t < types; t++) if (column === undefined || t === column) v = Math.max(v, maxima[r * types + t]!);
    if (v > best) [best, at] = [v, r];
  }
  if (at < 0) return undefined;
  const out = new Float32Array(regions);
  out[at] = 1;
  return out;
}

/** The next-token probabilities with the item's side and level weighed by P(lobe | the detector's peak region), where the restated sentence names no place; elsewhere the model's own. */
export function weighedByLesions(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, sentence: string | undefined, namesPlace: boolean, maxima: ArrayLike<number>, regionWidth: number, table: RegionLobeTable): Float32Array {
  return weighedByRegions(t, prefix, probs, sentence, namesPlace, (side, restated) => lesionPeak(maxima, regionWidth, findingDescribed(restated), side), table);
}
