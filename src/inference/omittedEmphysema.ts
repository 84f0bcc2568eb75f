/**
 * Emphysema the findings text leaves out, read from the image. Of the findings a text omits, emphysema is
 * the one the image says most plainly: over 550 studies of seeds 3333 and 14141, unwalled low-attenuation
 * voxels (`unwalledLowAttenuation`) lay on each of the 68 lung sides with emphysema (21 or more) and on none
 * of the other 1,032 (scratch/laa-presence.mts), whereas the lesion detector's study-level evidence for omitted findings
 * fired on normal anatomy (docs/experiments.md, "The convolutional detector as evidence for findings the text
 * leaves out, again"). Such a finding joins the ones the text describes (`unwrittenFindings.ts`): the summary
 * owes it an item, kept to its side, lobe and type.
 */
import { describedFinding } from '../corpus/factExtractor.ts';
import type { Lobe } from '../corpus/schema.ts';
import { lesionLobeShares } from './lesionLobeConstraint.ts';
import type { LungLobeTable } from './lesions/lungLobes.ts';
import { LUNG_SIDES } from './lesions/lungPosition.ts';
import type { StudyLesions } from './lesions/regionLesions.ts';
import type { DescribedFinding } from './unwrittenFindings.ts';

/** Unwalled low-attenuation voxels a side needs for emphysema there (the fewest on an emphysema side in those studies: 21). */
export const EMPHYSEMA_MIN_VOXELS = 10;

/**
 * Emphysema on each side with at least `EMPHYSEMA_MIN_VOXELS` unwalled low-attenuation voxels where no input
 * sentence describes emphysema on that side (or without a place), at the lobe with the largest share
 * (`lesionLobeShares`).
 */
export function omittedEmphysema(study: StudyLesions, table: LungLobeTable, sentences: readonly string[]): DescribedFinding[] {
  const described = sentences.flatMap((s) => {
    const found = describedFinding(s);
    return found?.type === 'emphysema' ? [found.place?.[0]] : [];
  });
  return LUNG_SIDES.flatMap((side, k) => {
    if (study.lowAttenuation[k]!.length < EMPHYSEMA_MIN_VOXELS || described.some((s) => s === undefined || s === side)) return [];
    const shares = lesionLobeShares(study, table, 'emphysema', side);
    if (!shares?.size) return [];
    const [lobe] = [...shares].reduce((a, b) => (b[1] > a[1] ? b : a));
    return [{ type: 'emphysema', place: lobe as Lobe }];
  });
}
