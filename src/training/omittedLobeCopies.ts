/**
 * Extra decoder-training copies of corpus studies whose findings text leaves out one finding's lobe, as
 * about one corpus text in seven does. Those lobes can come only from the image, and the corpus's own
 * omissions give the decoder too few of them to learn that (v12 names 15 % of such lobes right). Each copy
 * keeps the study's image, summary and id (so retrieval still skips the study's own passages); its text is
 * written again by the corpus's writer with the lobe of one lung finding left out.
 */
import { writeFindingsText } from '../corpus/findingsText.ts';
import { Random } from '../corpus/random.ts';
import { isLobe } from '../corpus/schema.ts';
import type { CachedStudy } from './studyCache.ts';

export function omittedLobeCopies(studies: readonly CachedStudy[], seed: number): CachedStudy[] {
  return studies.flatMap((s, index) => {
    // Pleural effusions have a side but no lobe, so the corpus never omits theirs either.
    const lung = s.findings.flatMap((f, i) => (isLobe(f.location) ? [i] : []));
    if (lung.length === 0) return [];
    const rand = Random.derive(seed, index, 0x10be);
    const finding = lung[rand.int(0, lung.length - 1)]!;
    return [{ ...s, text: writeFindingsText(rand, s.findings, { finding, what: 'lobe' }) }];
  });
}
