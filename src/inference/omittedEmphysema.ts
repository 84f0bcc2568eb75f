/**
 * Emphysema the findings text leaves out, read from the image. Of the findings a text omits, emphysema is
 * the one the image says most plainly: over 550 studies of seeds 3333 and 14141, unwalled low-attenuation
 * voxels (`unwalledLowAttenuation`) lay on each of the 68 lung sides with emphysema (21 or more) and on none
 * of the other 1,032 (scratch/laa-presence.mts), whereas the lesion detector's study-level evidence for omitted findings
 * fired on normal anatomy (docs/experiments.md, "The convolutional detector as evidence for findings the text
 * leaves out, again"). Such a finding joins the ones the text describes (`unwrittenFindings.ts`): the summary
 * owes it an item, kept to its side, lobe and type. And the model reads it as a findings sentence after the
 * text (`imagedSentence`): given only the forced item, it wrote what the text gave it instead, such as the
 * advice of another finding ("右下肺肺气肿改变，建议行结核相关检查"), and its retriever, queried by a text
 * without emphysema, found no passage about it.
 */
import { EMPHYSEMA_SIGNS, FINDINGS_TEXT_PHRASES } from '../corpus/lexicon.ts';
import type { Lobe } from '../corpus/schema.ts';
import { lesionLobeShares } from './lesionLobeConstraint.ts';
import type { LungLobeTable } from './lesions/lungLobes.ts';
import { LUNG_SIDES } from './lesions/lungPosition.ts';
import type { StudyLesions } from './lesions/regionLesions.ts';
import type { NamedFinding } from './textMatchedRanking.ts';
import type { DescribedFinding } from './unwrittenFindings.ts';

/** Unwalled low-attenuation voxels a side needs for emphysema there (the fewest on an emphysema side in those studies: 21). */
export const EMPHYSEMA_MIN_VOXELS = 10;

/**
 * Emphysema on each side with at least `EMPHYSEMA_MIN_VOXELS` unwalled low-attenuation voxels where none of
 * the findings the input text describes (`named`, `namedFindings`) is emphysema on that side (or without a
 * place), at the lobe with the largest share (`lesionLobeShares`).
 */
export function omittedEmphysema(study: StudyLesions, table: LungLobeTable, named: readonly NamedFinding[]): DescribedFinding[] {
  const described = named.flatMap((f) => (f.type === 'emphysema' ? [f.place?.[0]] : []));
  return LUNG_SIDES.flatMap((side, k) => {
    if (study.lowAttenuation[k]!.length < EMPHYSEMA_MIN_VOXELS || described.some((s) => s === undefined || s === side)) return [];
    const shares = lesionLobeShares(study, table, 'emphysema', side);
    if (!shares?.size) return [];
    const [lobe] = [...shares].reduce((a, b) => (b[1] > a[1] ? b : a));
    return [{ type: 'emphysema', place: lobe as Lobe }];
  });
}

/** The findings sentence the model reads for emphysema read from the image, in the findings text's words, naming what was measured: "左肺上叶透亮度增高，见多发低密度无壁区。" */
export function imagedSentence({ place }: DescribedFinding): string {
  return `${place ?? ''}${FINDINGS_TEXT_PHRASES.emphysema[0]}，${EMPHYSEMA_SIGNS[2]}。`;
}
