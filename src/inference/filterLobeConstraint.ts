/**
 * An item's lobe from the fixed filters, where the input text leaves the lobe out. The pointing head reads
 * the filters' maxima in its keys, yet on the studies whose text omits the lobe it peaks on the finding no
 * more often than the filters' own peak on the side the text names (docs/models.md, Known limits). Here
 * the item's side and level are weighed as with `--pointed-lobes` (`weighedByPointing`), with the region
 * where the filter that answers to the sentence's finding type peaks, on the sentence's side, in place of
 * the head's attention: P(lobe | that region).
 */
import { findingIn } from '../corpus/factExtractor.ts';
import type { FindingType } from '../corpus/schema.ts';
import { FILTER_COUNT } from './filterMaxima.ts';
import { sentenceSide, weighedByPointing, type RegionLobeTable } from './pointedLobeConstraint.ts';
import { placeSlot, type PlaceTokens } from './textPlaceConstraint.ts';

/** How much each fixed filter (nodule, ground-glass: `filterMaxima.ts`'s order) counts for a finding type: the one made for it, or both. */
export function filterWeights(type: FindingType | undefined): [number, number] {
  if (type === 'ground-glass-nodule') return [0, 1];
  if (type === 'solid-nodule' || type === 'part-solid-nodule' || type === 'calcification') return [1, 0];
  return [1, 1];
}

/**
 * One-hot over the regions: where Σ_f w_f · maxima[r · FILTER_COUNT + f] is largest among the regions on
 * `side` (the patient's right is the image's left half, as the viewer shows it), or among all without a
 * side; the first such region on a tie. `regionWidth`: the region grid's columns.
 */
export function filterPeak(maxima: ArrayLike<number>, regionWidth: number, weights: readonly number[], side: '左' | '右' | undefined): Float32Array {
  const regions = maxima.length / FILTER_COUNT;
  const out = new Float32Array(regions);
  let best = -Infinity;
  let at = -1;
  for (let r = 0; r < regions; r++) {
    if (side !== undefined && r % regionWidth < regionWidth / 2 !== (side === '右')) continue;
    let v = 0;
    for (let f = 0; f < FILTER_COUNT; f++) v += weights[f]! * maxima[r * FILTER_COUNT + f]!;
    if (v > best) [best, at] = [v, r];
  }
  if (at >= 0) out[at] = 1;
  return out;
}

/** The next-token probabilities with the item's side and level weighed by P(lobe | the filter's peak region), where the restated sentence names no place; elsewhere the model's own. */
export function weighedByFilters(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, sentence: string | undefined, namesPlace: boolean, maxima: ArrayLike<number>, regionWidth: number, table: RegionLobeTable): Float32Array {
  const slot = sentence === undefined || namesPlace ? undefined : placeSlot(t, prefix);
  if (!slot) return probs;
  const side = slot.next === 'level' ? (slot.side as '左' | '右') : sentenceSide(sentence!);
  return weighedByPointing(t, prefix, probs, sentence, namesPlace, filterPeak(maxima, regionWidth, filterWeights(findingIn(sentence!)), side), table);
}
