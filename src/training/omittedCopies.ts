/**
 * Extra decoder-training copies of corpus studies whose text leaves something out that only the image
 * shows. Each copy keeps the study's image, summary and id (so retrieval still skips the study's own
 * passages); its text is written again by the corpus's writer with the omission made.
 *
 * - A lobe (`omittedLobeCopies`): about one corpus text in seven leaves out a finding's lobe, too few for
 *   the decoder to learn to read it from the image (v12 named 15 % of such lobes right).
 * - A whole finding (`omittedFindingCopies`): about one corpus text in twelve leaves a finding out, and v20
 *   never writes such a finding, not even a 4.7 cm mass. With these copies (v35, not shipped) decoders name
 *   omitted effusions but doubt the text elsewhere: facts fall (docs/experiments.md).
 */
import { writeFindingsText, type Omission } from '../corpus/findingsText.ts';
import { Random } from '../corpus/random.ts';
import { isLobe, type FindingTruth, type FindingType } from '../corpus/schema.ts';
import type { CachedStudy } from './studyCache.ts';

/** One copy of each study with a finding `eligible` picks, its text omitting `what` of one of them (drawn per study, seeded). */
function omittedCopies(studies: readonly CachedStudy[], seed: number, salt: number, what: Omission, eligible: (f: FindingTruth) => boolean): CachedStudy[] {
  return studies.flatMap((s, index) => {
    const candidates = s.findings.flatMap((f, i) => (eligible(f) ? [i] : []));
    if (candidates.length === 0) return [];
    const rand = Random.derive(seed, index, salt);
    const finding = candidates[rand.int(0, candidates.length - 1)]!;
    return [{ ...s, text: writeFindingsText(rand, s.findings, { finding, what }) }];
  });
}

/** A copy of each study with a lung finding, one finding's lobe left out (pleural effusions have a side, not a lobe, and the corpus never omits theirs). */
export function omittedLobeCopies(studies: readonly CachedStudy[], seed: number): CachedStudy[] {
  return omittedCopies(studies, seed, 0x10be, 'lobe', (f) => isLobe(f.location));
}

/** A copy of each study with a finding (of `types`, when given), one such finding left out of its text entirely (a study with one finding then reads as normal). */
export function omittedFindingCopies(studies: readonly CachedStudy[], seed: number, types?: readonly FindingType[]): CachedStudy[] {
  return omittedCopies(studies, seed, 0xf1d, 'finding', (f) => !types || types.includes(f.type));
}
