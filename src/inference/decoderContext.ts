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
