/** The words for findings the summary writes from the image that the text leaves out: on the page and in the DICOM SR. */
import { FINDING_PHRASES } from '../../corpus/lexicon.ts';
import type { ImagedFinding } from '../../workers/protocol.ts';

/** A finding as the impression names it: its place, then its type's first phrase ("左肺上叶肺气肿"). */
export function imagedFindingText({ type, place }: ImagedFinding): string {
  return (place ?? '') + (FINDING_PHRASES.find(([t]) => t === type)?.[1][0] ?? type);
}

/** The notice: its lead (`messages.imaged`), then the findings ("…：左肺上叶肺气肿、右肺下叶肺气肿"). */
export function imagedNotice(lead: string, imaged: readonly ImagedFinding[]): string {
  return `${lead} ${imaged.map(imagedFindingText).join('、')}`;
}
