/**
 * Where each summary token was copied from in the study's input text, for supervising the decoder's text
 * attention: a summary token counts as copied from an input-text token with the same id whose left or
 * right neighbour also matches the summary token's (so "3 ##1 ##mm" aligns with the text's "31mm", but a
 * lone "，" aligns with nothing). Tokens that match nowhere, or at more than `maxSources` places (too
 * common to say where they came from), get no sources. Works on any tokenized data, not just the corpus.
 */

/** Per target token (the summary's tokens, then EOS): context positions (≥ inputStart) it was copied from. */
export function copySources(summaryIds: readonly number[], contextIds: readonly number[], inputStart: number, maxSources = 4): number[][] {
  const rows = summaryIds.map((id, y) => {
    const sources: number[] = [];
    for (let j = inputStart; j < contextIds.length; j++) {
      if (contextIds[j] !== id) continue;
      const left = y > 0 && j > inputStart && contextIds[j - 1] === summaryIds[y - 1];
      const right = y + 1 < summaryIds.length && j + 1 < contextIds.length && contextIds[j + 1] === summaryIds[y + 1];
      if (left || right) sources.push(j);
    }
    return sources.length <= maxSources ? sources : [];
  });
  return [...rows, []];
}
