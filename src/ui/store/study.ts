/** The open study: reading files or a demo study through the worker, its loading progress and errors. */
import type { SampleEntry } from '../../corpus/samples.ts';
import { formatBytes, LIMITS } from '../../intake/limits.ts';
import type { StudyView, WorkerError } from '../../workers/protocol.ts';
import { initialVoi } from '../viewer/windowPresets.ts';
import { isWorkerError, type Slice, type WorkerLink } from './slice.ts';
import { sampleText } from './text.ts';

export interface StudySlice {
  study?: StudyView;
  /** The demo study on display, if the study came from public/samples. */
  sample?: SampleEntry;
  /** Increments with every opened study, so views can tell a new study from a re-render. */
  studyKey: number;
  loading?: { stage: 'reading' | 'decoding' | 'assembling'; done: number; total: number; file?: string };
  error?: WorkerError & { files: string[] };
  openFiles: (files: File[]) => Promise<void>;
  openSample: (sample: SampleEntry) => Promise<void>;
  dismissError: () => void;
}

export const createStudySlice =
  ({ worker, session }: WorkerLink): Slice<StudySlice> =>
  (set, get) => ({
    studyKey: 0,
    async openFiles(files) {
      if (files.length === 0) return;
      const names = files.map((f) => f.name);
      const tooLarge = files.find((f) => f.size > LIMITS.maxFileBytes);
      if (tooLarge) {
        // Refused before reading, so a 5 GB drop does not take the tab's memory.
        const message = `${tooLarge.name}: ${formatBytes(tooLarge.size)}; the limit is ${formatBytes(LIMITS.maxFileBytes)}`;
        set({ error: { code: 'file-too-large', message, files: names } });
        return;
      }
      set({ loading: { stage: 'reading', done: 0, total: files.length }, error: undefined });
      try {
        const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
        const { study } = await worker.request({ type: 'open', files: payload }, 'opened', payload.map((p) => p.bytes), (event) => {
          if (event.type === 'progress') set({ loading: { stage: event.stage, done: event.done, total: event.total, file: event.file } });
        });
        session.files = files;
        const h = study.header;
        const modalityRange = { min: study.stats.min, max: study.stats.max };
        get().discardSummary();
        set({
          study,
          sample: undefined,
          studyKey: get().studyKey + 1,
          loading: undefined,
          slice: Math.floor(study.depth / 2),
          voi: initialVoi(h.modality, { center: h.windowCenter, width: h.windowWidth }, modalityRange),
        });
      } catch (err) {
        const error = isWorkerError(err) ? err : { code: 'internal' as const, message: String(err) };
        set({ loading: undefined, error: { ...error, files: names } });
      }
    },
    async openSample(sample) {
      set({ loading: { stage: 'reading', done: 0, total: sample.files.length }, error: undefined });
      try {
        // Relative URLs: the page may be served from any sub-path.
        const files = await Promise.all(
          sample.files.map(async (name) => {
            const response = await fetch(`samples/${sample.id}/${name}`);
            if (!response.ok) throw new Error(`samples/${sample.id}/${name}: HTTP ${response.status}`);
            return new File([await response.arrayBuffer()], name);
          }),
        );
        get().replaceText(sampleText(sample));
        await get().openFiles(files);
        if (get().study && !get().error) set({ sample, slice: Math.min(sample.keySlice, get().study!.depth - 1) });
      } catch (err) {
        set({ loading: undefined, error: { code: 'unreadable-file', message: String(err), files: [sample.id] } });
      }
    },
    dismissError: () => set({ error: undefined }),
  });
