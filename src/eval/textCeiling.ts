/**
 * An upper bound for any summariser that reads the text alone: the facts of a summary that states every
 * finding the findings text names, with every attribute the text gives, and nothing the text leaves out
 * (an image-only finding, an omitted lobe or size) — the rules' advice it gets right even where the
 * omitted size decides it. Against the ground truth it shows how much of fact F1 a model can only earn by
 * reading the image (`scripts/text-ceiling.ts`).
 */
import type { TextOmission } from '../corpus/findingsText.ts';
import { summaryFacts } from '../corpus/rules.ts';
import type { Fact, FindingTruth } from '../corpus/schema.ts';

export function textOnlyFacts(findings: readonly FindingTruth[], omission: TextOmission | undefined): Fact[] {
  const omitted = omission ? findings[omission.finding] : undefined;
  const named = findings.filter((f) => !(f === omitted && omission!.what === 'finding'));
  return summaryFacts(named).map((fact) => {
    if (!omitted || fact.finding !== omitted.type || fact.location !== omitted.location) return fact;
    const { location, sizeMm, ...rest } = fact;
    if (omission!.what === 'lobe') return { ...rest, ...(sizeMm === undefined ? {} : { sizeMm }) };
    if (omission!.what === 'size') return { ...rest, ...(location ? { location } : {}) };
    return fact;
  });
}
