/**
 * An item's place as the input text gives it. Where the text names lobes ("右肺上叶见一实性结节…") or pleural
 * sides, an item's first side ("左" / "右") must be one of them, and the level right after it ("右上肺",
 * "右肺上叶") one the text names on that side. Decoders that read the image more write a lobe from the image
 * over the one the text gives: on a fresh seed's 380 complete texts v20 wrote 30 wrong lobes and v50 43
 * (docs/experiments.md, "Filters in the attention's keys only").
 *
 * Two ways to pick the places an item may take:
 * - `--text-places`: the place of the one sentence the item restates, read as the decoder's sentence
 *   attention's largest weight at that step (the attention trained on the sentence each summary item
 *   restates, `itemAlignment.ts`). Where that sentence names no place, nothing is constrained.
 * - `--named-places`: any place the input names, but only where every sentence that describes a finding
 *   names one (`namedPlaces`). An attention peak on the wrong sentence then cannot force a wrong side; and
 *   a text that omits a finding's lobe leaves every item's lobe to the image.
 */
import { locationIn, sizeIn } from '../corpus/factExtractor.ts';
import { isLobe, type Location } from '../corpus/schema.ts';
import { keepAllowed } from './decode.ts';

/** The vocabulary's tokens for places: sides 左 右, levels 上 中 下, "肺", and the item end "。". */
export interface PlaceTokens {
  side: Map<number, string>;
  level: Map<number, string>;
  lung: number;
  end: number;
}

/** The place tokens of a vocabulary (token strings by id); undefined when one of them is not a token. */
export function placeTokens(vocab: readonly string[]): PlaceTokens | undefined {
  const ids = (chars: string) => [...chars].map((c) => [vocab.indexOf(c), c] as const);
  const side = ids('左右');
  const level = ids('上中下');
  const [lung, end] = [vocab.indexOf('肺'), vocab.indexOf('。')];
  if ([...side, ...level].some(([id]) => id < 0) || lung < 0 || end < 0) return undefined;
  return { side: new Map(side), level: new Map(level), lung, end };
}

/** The place each input sentence names (`locationIn`, the fact extractor's reading), or undefined. */
export function sentencePlaces(sentences: readonly string[]): (Location | undefined)[] {
  return sentences.map((s) => locationIn(s));
}

/**
 * The places an item may take under `--named-places`: every place the input sentences name, where each
 * sentence that describes a finding names one; none (nothing constrained) where one names none, as when
 * the text omits a finding's lobe. A sentence describes a finding where the model rates it salient or it
 * gives a size: v20 rates "肺野内肺组织透亮度增加…" (emphysema, reworded in the summary as 肺气肿) not
 * salient, and a lobe-less emphysema sentence must still leave the item's lobe to the image.
 */
export function namedPlaces(sentences: readonly string[], salient: readonly boolean[]): Location[] {
  const places = sentencePlaces(sentences);
  const describesFinding = (s: string, i: number) => salient[i] === true || sizeIn(s) !== undefined;
  if (sentences.some((s, i) => describesFinding(s, i) && !places[i])) return [];
  return [...new Set(places.filter((place) => place !== undefined))];
}

/**
 * Which part of the current item's place (after the last "。") the next token writes: its side, where the
 * item has none yet; its level, right after the side (or after it and "肺"); otherwise neither.
 */
export function placeSlot(t: PlaceTokens, prefix: readonly number[]): { next: 'side' } | { next: 'level'; side: string } | undefined {
  const itemStart = prefix.lastIndexOf(t.end) + 1;
  const sideAt = prefix.findIndex((id, i) => i >= itemStart && t.side.has(id));
  if (sideAt < 0) return { next: 'side' };
  const last = prefix.length - 1;
  const justAfterSide = sideAt === last || (sideAt === last - 1 && prefix[last] === t.lung);
  return justAfterSide ? { next: 'level', side: t.side.get(prefix[sideAt]!)! } : undefined;
}

/**
 * The next-token probabilities after `prefix` (the summary's tokens so far, without BOS) with the item's
 * place kept to `places`: before the item's first side token, only their sides; right after it (or after it
 * and "肺"), only the levels of their lobes on that side (any level where they name none there, a pleural
 * side only). Elsewhere, and with no places, the model's own.
 */
export function placedAsText(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, places: readonly Location[]): Float32Array {
  const slot = places.length ? placeSlot(t, prefix) : undefined;
  if (slot?.next === 'side') {
    const sides = new Set(places.map((place) => place[0]));
    return keepAllowed(probs, (id) => !t.side.has(id) || sides.has(t.side.get(id)!));
  }
  if (slot?.next === 'level') {
    const levels = new Set(places.filter((place) => place[0] === slot.side && isLobe(place)).map((lobe) => lobe[2]));
    if (levels.size) return keepAllowed(probs, (id) => !t.level.has(id) || levels.has(t.level.get(id)!));
  }
  return probs;
}
