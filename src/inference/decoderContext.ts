import { SENTENCE_END } from '../text/sentences.ts';

/**
 * The decoder's context tokens: the retrieved passages' tokens, then the input text's. The input text is
 * never cut (it holds the facts to copy); the passages share the room left, in rank order.
 */
export function contextIds(passages: number[][], input: number[], maxLength: number): { ids: number[]; passageCounts: number[]; inputStart: number } {
  const text = input.slice(0, maxLength);
  let room = maxLength - text.length;
  const passageCounts: number[] = [];
  const ids: number[] = [];
  for (const p of passages) {
    const part = p.slice(0, Math.max(0, room));
    ids.push(...part);
    passageCounts.push(part.length);
    room -= part.length;
  }
  return { ids: [...ids, ...text], passageCounts, inputStart: ids.length };
}

/**
 * The input's token ids with `added` sentences after the text's (findings read from the image), and how many
 * of them are the text's. The added ones always fit, the text giving way where both do not; a sentence end
 * goes between where the text has none at its end or is cut, so that each added sentence stays a sentence of
 * its own (`sentenceSpans`).
 */
export function inputWithSentences(encode: (text: string) => number[], text: string, added: readonly string[], maxLength: number): { ids: number[]; textLength: number } {
  const own = encode(text);
  if (!added.length) return { ids: own.slice(0, maxLength), textLength: Math.min(own.length, maxLength) };
  const tail = encode(added.join(''));
  const closed = text.trim() === '' || (own.length + tail.length <= maxLength && text.trimEnd().endsWith(SENTENCE_END));
  const end = closed ? [] : encode(SENTENCE_END);
  const kept = [...own.slice(0, maxLength - tail.length - end.length), ...end];
  return { ids: [...kept, ...tail], textLength: kept.length };
}
