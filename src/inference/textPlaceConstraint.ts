/**
 * An item's place as its input sentence gives it. Where the sentence an item restates names a lobe ("右肺上叶
 * 见一实性结节…") or a pleural side, the item's first side ("左" / "右") must be that side, and the level
 * right after it ("右上肺", "右肺上叶") that level. Decoders that read the image more write a lobe from the
 * image over the one the text gives: on a fresh seed's 380 complete texts v20 wrote 30 wrong lobes and
 * v50 43 (docs/models.md, "Filters in the attention's keys only"). Where the sentence names no place (the
 * text omits the lobe) nothing is constrained, and the lobe is the image's to give.
 *
 * Which sentence an item restates is the decoder's own sentence attention at that step (its largest
 * weight), the attention trained on the sentence each summary item restates (`itemAlignment.ts`).
 */
import { locationIn } from '../corpus/factExtractor.ts';
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

/** A location's side and, for a lobe, its level: 右肺上叶 → 右, 上; 左侧胸腔 → 左. */
function sideAndLevel(place: Location): { side: string; level?: string } {
  return { side: place[0]!, ...(isLobe(place) ? { level: place[2]! } : {}) };
}

/**
 * The next-token probabilities after `prefix` (the summary's tokens so far, without BOS) with the item's
 * place kept to `place`, the place of the sentence being restated: before the item's first side token,
 * only that side; right after it (or after it and "肺"), only that level. Elsewhere, and with no place,
 * the model's own.
 */
export function placedAsText(t: PlaceTokens, prefix: readonly number[], probs: Float32Array, place: Location | undefined): Float32Array {
  if (!place) return probs;
  const { side, level } = sideAndLevel(place);
  const itemStart = prefix.lastIndexOf(t.end) + 1;
  const sideAt = prefix.findIndex((id, i) => i >= itemStart && t.side.has(id));
  if (sideAt < 0) return keepAllowed(probs, (id) => !t.side.has(id) || t.side.get(id) === side);
  const last = prefix.length - 1;
  const justAfterSide = sideAt === last || (sideAt === last - 1 && prefix[last] === t.lung);
  if (justAfterSide && level) return keepAllowed(probs, (id) => !t.level.has(id) || t.level.get(id) === level);
  return probs;
}

/** The index of the largest weight (the sentence being restated); −1 for none. */
export function attendedSentence(weights: Float32Array | undefined): number {
  if (!weights?.length) return -1;
  return weights.reduce((best, w, i) => (w > weights[best]! ? i : best), 0);
}
