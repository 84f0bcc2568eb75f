/**
 * How the page decodes a summary unless the person changes it: beam 3 with the bracket, item-number,
 * salient-item and pointed-lobe constraints (docs/models.md, "The page's decoding"; docs/experiments.md,
 * "Balanced brackets, and beam search as the page's decoding", "Lobes weighed by the pointing head").
 * Scripts that measure "the page's decoding" read it too, so they cannot drift from the page.
 */
export const PAGE_DECODING = { beamSize: 3, lengthPenalty: 0.7, balancedBrackets: true, sequentialItems: true, salientItems: true, pointedLobes: true } as const;
