/**
 * How the page decodes a summary unless the person changes it: beam 3 with the bracket, item-number,
 * salient-item, lesion-lobe and stated-count constraints (docs/models.md, "The page's decoding";
 * docs/experiments.md, "Balanced brackets, and beam search as the page's decoding", "A learned lesion
 * detector", "Counts as the text states them").
 * Scripts that measure "the page's decoding" read it too, so they cannot drift from the page.
 */
export const PAGE_DECODING = { beamSize: 3, lengthPenalty: 0.7, balancedBrackets: true, sequentialItems: true, salientItems: true, lesionLobes: true, statedCounts: true } as const;

/**
 * The page's one setting for lobes the text omits, as summarizer options: weighed by the lesion detector
 * where the model has one (`lesionLobeConstraint.ts`), else by the pointing attention
 * (`pointedLobeConstraint.ts`), so a model trained without the detector keeps the weighing it had.
 */
export function lobeWeighing(omittedLobes: boolean, config: object): { lesionLobes: boolean; pointedLobes: boolean } {
  const detector = 'lesions' in config && config.lesions !== undefined;
  return { lesionLobes: omittedLobes && detector, pointedLobes: omittedLobes && !detector };
}

const { lesionLobes, ...constraints } = PAGE_DECODING;
/** The page's first settings: the same decoding, with its lobe weighing as the page's one lobe setting. */
export const PAGE_SETTINGS = { ...constraints, omittedLobes: lesionLobes };
