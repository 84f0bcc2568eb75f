/** The findings text: the user's own, or a demo study's, with the user's kept for "restore". */
import type { SampleEntry } from '../../corpus/samples.ts';
import type { Slice } from './slice.ts';

export interface TextSlice {
  text: string;
  /** The user's own text, kept when a demo study replaced it, until restored or edited away. */
  previousText?: string;
  setText: (text: string) => void;
  replaceText: (text: string) => void;
  restoreText: () => void;
}

/** What a demo study puts in the text box: its clinical line, then its findings. */
export function sampleText(sample: SampleEntry): string {
  return `${sample.clinical}\n${sample.text}`;
}

export const createTextSlice: Slice<TextSlice> = (set, get) => ({
  text: '',
  setText: (text) => set({ text }),
  replaceText(text) {
    const { text: current, previousText, sample } = get();
    // Nothing the user typed is lost: any text that is not a demo's own, untouched, is kept for "restore".
    const untouchedDemo = sample !== undefined && current === sampleText(sample);
    set({ text, previousText: current.trim() && !untouchedDemo ? current : previousText });
  },
  restoreText() {
    const { previousText } = get();
    if (previousText !== undefined) set({ text: previousText, previousText: undefined });
  },
});
