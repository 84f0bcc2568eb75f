/**
 * An item's lobe weighed by where the model points, where the input text leaves the lobe out ("右肺见一实性
 * 结节…", "肺野内见…"). The decoder's words read the lobes under its reading attention (l_y, `regionLobes`);
 * the pointing head, trained afterwards on the frozen decoder's states, is read by no word. Here the item's
 * side and level are weighed by the pointing attention's mass on each lobe, Σ_r a_r P(lobe | r) with P the
 * training split's table (`regionLobes.ts`): the decoder's own belief times the head's.
 */
import { LOBES, lobeIndex, type Lobe } from '../corpus/schema.ts';
import type { FusionDecoderConfig } from './models/fusionDecoder.ts';
import { placeSlot, type PlaceTokens } from './textPlaceConstraint.ts';

/** P(lobe | region) as the decoder config stores it (`FusionDecoderConfig.regionLobes`): `lobes` values per region, regions in order. */
export type RegionLobeTable = NonNullable<FusionDecoderConfig['regionLobes']>;

/** The side a sentence names without naming a lobe ("右肺见…"), or undefined ("肺内见…"). */
export function sentenceSide(sentence: string): '左' | '右' | undefined {
  return /([左右])肺/.exec(sentence)?.[1] as '左' | '右' | undefined;
}

/** Each of `lobes`' share of the attention's mass, Σ_r a_r P(lobe | r), normalised over them; all 0 where they have none. */
export function lobeShares(attention: ArrayLike<number>, { lobes: width, table }: RegionLobeTable, lobes: readonly Lobe[] = LOBES): Map<Lobe, number> {
  const mass = lobes.map((lobe) => {
    const l = lobeIndex(lobe);
    let m = 0;
    for (let r = 0; r < attention.length; r++) m += attention[r]! * table[r * width + l]!;
    return m;
  });
  const total = mass.reduce((a, b) => a + b, 0);
  return new Map(lobes.map((lobe, i) => [lobe, total > 0 ? mass[i]! / total : 0]));
}

/**
 * The next-token probabilities with the item's side and level weighed by the pointing attention, where the
 * sentence the item restates (`sentence`; undefined: none attended) names no place (`namesPlace` false): a
 * side token by its lobes' share, a level token right after the side by its lobe's share on that side. The
 * lobes are those on the side the sentence names, if it names one. Elsewhere the model's own.
 */
export function weighedByPointing(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, sentence: string | undefined, namesPlace: boolean, attention: ArrayLike<number>, table: RegionLobeTable): Float32Array {
  return weighedByShares(t, prefix, probs, sentence, namesPlace, (side) => lobeShares(attention, table, LOBES.filter((lobe) => side === undefined || lobe[0] === side)));
}

/**
 * The same weighing by any lobes' shares: `sharesOn(side, sentence)` gives them for the side the item is on
 * (the side token written, or the sentence's; undefined: none) and the sentence it restates, or undefined to
 * leave the model's own probabilities. Asked only where there is a side or level to weigh.
 */
export function weighedByShares(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, sentence: string | undefined, namesPlace: boolean, sharesOn: (side: '左' | '右' | undefined, sentence: string) => Map<Lobe, number> | undefined): Float32Array {
  const slot = sentence === undefined || namesPlace ? undefined : placeSlot(t, prefix);
  if (!slot) return probs;
  const side = slot.next === 'level' ? slot.side : sentenceSide(sentence!);
  const shares = sharesOn(side as '左' | '右' | undefined, sentence!);
  if (!shares || ![...shares.values()].some((s) => s > 0)) return probs;
  const share = (test: (lobe: Lobe) => boolean) => [...shares].reduce((sum, [lobe, s]) => sum + (test(lobe) ? s : 0), 0);
  if (slot.next === 'side') return probs.map((p, id) => (t.side.has(id) ? p * share((lobe) => lobe[0] === t.side.get(id)) : p));
  return probs.map((p, id) => (t.level.has(id) ? p * share((lobe) => lobe[2] === t.level.get(id)) : p));
}
