/**
 * Where each summary token was copied from, for supervising the decoder's text attention: a summary token
 * counts as copied from a context token with the same id whose left or right neighbour also matches the
 * summary token's (so "3 ##1 ##mm" aligns with the text's "31mm", but a lone "，" aligns with nothing).
 * The study's input text comes first: only a token found nowhere in it is looked for in the retrieved
 * passages — the wording of an advice or an impression that a passage about a similar finding carries
 * (without that fallback, v4's attention learnt to stay on the input text and its advice F1 fell from 60 to
 * 44). Tokens that match nowhere, or at more than `maxSources` places of the part where they are found
 * (too common to say where they came from), get no sources. Tokens marked `ownOnly` (those that name one
 * of the study's own findings or its place) are looked for in the input text alone: when the text omits
 * them they must come from the image, and a passage would only teach copying another study's lobe.
 * With `spans`, an item's tokens are looked for in the input sentence it restates first (see there).
 * Works on any tokenized data, not just the corpus.
 */

/** Positions in context[from, to) of summary token y with a matching neighbour inside that span. */
function matches(summaryIds: readonly number[], y: number, contextIds: readonly number[], from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = from; j < to; j++) {
    if (contextIds[j] !== summaryIds[y]) continue;
    const left = y > 0 && j > from && contextIds[j - 1] === summaryIds[y - 1];
    const right = y + 1 < summaryIds.length && j + 1 < to && contextIds[j + 1] === summaryIds[y + 1];
    if (left || right) out.push(j);
  }
  return out;
}

/**
 * Positions of summary token y in one input sentence: those with a matching neighbour, or else its one
 * occurrence there — inside the sentence an item restates, a token it holds once is unambiguous even when
 * the summary words it differently ("右下肺" for the text's "右肺下叶").
 */
function spanMatches(summaryIds: readonly number[], y: number, contextIds: readonly number[], [from, to]: readonly [number, number]): number[] {
  const paired = matches(summaryIds, y, contextIds, from, to);
  if (paired.length > 0) return paired;
  const lone: number[] = [];
  for (let j = from; j < to; j++) if (contextIds[j] === summaryIds[y]) lone.push(j);
  return lone.length === 1 ? lone : [];
}

export interface CopySourceOptions {
  /** Tokens matching at more places than this get no sources (too common to say where they came from). */
  maxSources?: number;
  /** Per summary token: it names one of the study's own findings or its place, so never a passage's. */
  ownOnly?: readonly boolean[];
  /**
   * Per summary token: the context span of the input sentence its item restates (`alignItems`). A token
   * found there (`spanMatches`) is aligned there alone; one that the input text has only elsewhere gets no
   * source, since it belongs to another finding's sentence.
   */
  spans?: readonly ([number, number] | undefined)[];
  /** Ids never looked for in the passages (`placeAndSizeTokens`): the decoder cannot copy them from there. */
  passageUncopied?: ReadonlySet<number>;
}

/** Per target token (the summary's tokens, then EOS): the context positions it was copied from. */
export function copySources(summaryIds: readonly number[], contextIds: readonly number[], inputStart: number, o: CopySourceOptions = {}): number[][] {
  const { maxSources = 4, ownOnly, spans, passageUncopied } = o;
  const rows = summaryIds.map((_, y) => {
    const span = spans?.[y];
    const inSpan = span ? spanMatches(summaryIds, y, contextIds, span) : [];
    if (inSpan.length > 0) return inSpan.length <= maxSources ? inSpan : [];
    const inText = matches(summaryIds, y, contextIds, inputStart, contextIds.length);
    if (span && inText.length > 0) return []; // another finding's sentence
    const found = inText.length > 0 || ownOnly?.[y] || passageUncopied?.has(summaryIds[y]!) ? inText : matches(summaryIds, y, contextIds, 0, inputStart);
    return found.length <= maxSources ? found : [];
  });
  return [...rows, []];
}

/**
 * The ids of tokens that state a place or a size, which a retrieved passage states for another study:
 * digits (in both WordPiece positions), and the characters that tell two location names apart where they
 * differ in one character alone (右肺上叶 / 左肺上叶 → 右, 左; 右肺上叶 / 右肺中叶 → 上, 中).
 */
export function placeAndSizeTokens(tokens: readonly string[], locationNames: readonly string[]): number[] {
  const telling = new Set<string>();
  for (const a of locationNames)
    for (const b of locationNames) {
      if (a.length !== b.length) continue;
      const differ = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
      if (differ.length === 1) telling.add(a[differ[0]!]!);
    }
  return tokens.flatMap((t, id) => (/\d/.test(t) || telling.has(t) ? [id] : []));
}
