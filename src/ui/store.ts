/**
 * The page's one store, in typed slices (study, view, text, app). Store actions are the only code that
 * talks to the worker; components read one value per selector.
 */
import { create, type StateCreator } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { SampleEntry } from '../corpus/samples.ts';
import { peakRegion } from '../eval/pointing.ts';
import type { BackendName } from '../inference/backend.ts';
import { formatBytes, LIMITS } from '../intake/limits.ts';
import type { PassageView, StudyView, SummarySettings, SummaryTimingsView, WorkerError } from '../workers/protocol.ts';
import type { Lang } from './i18n.ts';
import { CT_PRESETS, dragVoi, initialVoi, type PresetId, type Voi } from './viewer/windowPresets.ts';
import { WorkerClient } from './workerClient.ts';

/** What a fresh worker needs to be where the old one was: backend, model, the open study's files. */
const session: { preferred?: BackendName[]; modelBase?: string; files?: File[] } = {};

const worker = new WorkerClient(
  () => new Worker(new URL('../workers/tuwen.worker.ts', import.meta.url), { type: 'module', name: 'tuwen' }),
  () => void restoreWorker(),
  (event) => {
    if (event.type === 'backend-lost') {
      const { backend } = useStore.getState();
      useStore.setState({ backend: { ...backend, backend: event.backend, skipped: [...backend.skipped, { backend: 'webgpu', reason: `device lost: ${event.reason}` }] } });
    }
  },
);

/** After a worker crash (or running out of memory): the same backend, model and study in the new one; the page keeps its view and text. */
async function restoreWorker(): Promise<void> {
  const { initBackend, loadModel } = useStore.getState();
  if (session.preferred) await initBackend(session.preferred);
  if (session.modelBase) await loadModel(session.modelBase);
  if (session.files) {
    const payload = await Promise.all(session.files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
    await worker.request({ type: 'open', files: payload }, 'opened', payload.map((p) => p.bytes)).catch(() => undefined);
  }
  useStore.setState({ restarts: useStore.getState().restarts + 1 });
}

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

export interface ViewSlice {
  slice: number;
  voi: Voi;
  showPatient: boolean;
  setSlice: (slice: number) => void;
  stepSlice: (delta: number) => void;
  setPreset: (preset: PresetId) => void;
  dragWindow: (dx: number, dy: number) => void;
  togglePatient: () => void;
}

export interface TextSlice {
  text: string;
  /** The user's own text, kept when a demo study replaced it, until restored or edited away. */
  previousText?: string;
  setText: (text: string) => void;
  replaceText: (text: string) => void;
  restoreText: () => void;
}

export interface BackendState {
  backend?: BackendName;
  skipped: { backend: BackendName; reason: string }[];
  selfTest?: number[];
  gflops?: number;
  ms?: number;
  error?: string;
}

export interface AppSlice {
  lang: Lang;
  backend: BackendState;
  /** A new version of the app is installed and waiting (service worker). */
  updateReady: boolean;
  /** Times the worker crashed and was restored. */
  restarts: number;
  setLang: (lang: Lang) => void;
  initBackend: (preferred: BackendName[]) => Promise<void>;
}

/** One streamed token as the page keeps it. */
export interface TokenView {
  text: string;
  /** Milliseconds since decoding began. */
  ms: number;
  /** null: the model has no fusion gate (generative). */
  beta: number | null;
  visual: Float32Array;
  passageWeights: Float32Array[];
  textWeights: Float32Array;
}

export interface ModelState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The folder it is loaded from (absolute URL). */
  base?: string;
  kind?: 'retrieval' | 'generative';
  loaded?: number;
  total?: number;
  name?: string;
  params?: number;
  ms?: number;
  error?: WorkerError;
}

export interface SummaryState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  tokens: TokenView[];
  passages: PassageView[];
  inputTokens: string[];
  contextLength?: number;
  regionShape?: [number, number, number];
  timings?: SummaryTimingsView;
  summary?: string;
  /** The worker's tfjs memory after it (for leak checks). */
  memory?: { tensors: number; bytes: number };
  /** The settings and text it was made with (for exports). */
  settings?: SummarySettings;
  text?: string;
  error?: WorkerError;
}

export interface SummarySlice {
  model: ModelState;
  summary: SummaryState;
  settings: SummarySettings;
  /** The token whose attention is shown. */
  selected?: number;
  loadModel: (base: string) => Promise<void>;
  summarize: () => Promise<void>;
  cancelSummary: () => void;
  selectToken: (index: number | undefined) => void;
  setSettings: (settings: Partial<SummarySettings>) => void;
}

export type TuwenState = StudySlice & ViewSlice & TextSlice & AppSlice & SummarySlice;
type Slice<T> = StateCreator<TuwenState, [['zustand/persist', unknown]], [], T>;

const createStudySlice: Slice<StudySlice> = (set, get) => ({
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
      set({
        study,
        summary: EMPTY_SUMMARY,
        selected: undefined,
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

/** What a demo study puts in the text box: its clinical line, then its findings. */
export function sampleText(sample: SampleEntry): string {
  return `${sample.clinical}\n${sample.text}`;
}

function isWorkerError(err: unknown): err is WorkerError {
  return typeof err === 'object' && err !== null && 'code' in err && 'message' in err;
}

const createViewSlice: Slice<ViewSlice> = (set, get) => ({
  slice: 0,
  voi: CT_PRESETS.lung,
  showPatient: false,
  setSlice: (slice) => set({ slice: Math.max(0, Math.min((get().study?.depth ?? 1) - 1, slice)) }),
  stepSlice: (delta) => get().setSlice(get().slice + delta),
  setPreset: (preset) => set({ voi: CT_PRESETS[preset] }),
  dragWindow: (dx, dy) => set({ voi: dragVoi(get().voi, dx, dy) }),
  togglePatient: () => set({ showPatient: !get().showPatient }),
});

const createTextSlice: Slice<TextSlice> = (set, get) => ({
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

const createAppSlice: Slice<AppSlice> = (set) => ({
  lang: 'zh',
  backend: { skipped: [] },
  updateReady: false,
  restarts: 0,
  setLang: (lang) => set({ lang }),
  async initBackend(preferred) {
    session.preferred = preferred;
    try {
      const ready = await worker.request({ type: 'init-backend', preferred }, 'backend-ready');
      set({ backend: { backend: ready.backend, skipped: ready.skipped, selfTest: ready.selfTest, gflops: ready.gflops, ms: ready.ms } });
    } catch (err) {
      set({ backend: { skipped: [], error: isWorkerError(err) ? err.message : String(err) } });
    }
  },
});

const EMPTY_SUMMARY: SummaryState = { status: 'idle', tokens: [], passages: [], inputTokens: [] };
let summaryRun: AbortController | undefined;

/** The slice a region-grid depth index covers, at its middle (for "jump to the slice of peak attention"). */
export function regionSlice(regionDepth: number, regionSlices: number, depth: number): number {
  return Math.min(depth - 1, Math.floor(((regionDepth + 0.5) * depth) / regionSlices));
}

const createSummarySlice: Slice<SummarySlice> = (set, get) => ({
  model: { status: 'idle' },
  summary: EMPTY_SUMMARY,
  settings: { beamSize: 1, lengthPenalty: 0.7, k: 3, maxLength: 96 },
  async loadModel(base) {
    session.modelBase = base;
    set({ model: { status: 'loading', base, loaded: 0 } });
    try {
      const ready = await worker.request({ type: 'load-model', base }, 'model-ready', [], (event) => {
        if (event.type === 'model-progress') set({ model: { status: 'loading', base, loaded: event.loaded, total: event.total } });
      });
      set({ model: { status: 'ready', base, kind: ready.kind, name: ready.name, params: ready.params, ms: ready.ms, total: ready.bytes } });
    } catch (err) {
      set({ model: { status: 'error', base, error: isWorkerError(err) ? err : { code: 'internal', message: String(err) } } });
    }
  },
  async summarize() {
    summaryRun?.abort();
    const run = new AbortController();
    summaryRun = run;
    const { settings, text } = get();
    set({ summary: { ...EMPTY_SUMMARY, status: 'running', settings, text }, selected: undefined });
    // Events of a run that was replaced by a newer one are ignored.
    const update = (patch: Partial<SummaryState>) => summaryRun === run && set({ summary: { ...get().summary, ...patch } });
    try {
      const done = await worker.request(
        { type: 'summarize', text, settings },
        'summary-done',
        [],
        (event) => {
          if (event.type === 'summary-context') update({ passages: event.passages, inputTokens: event.inputTokens, contextLength: event.contextLength, regionShape: event.regionShape, timings: event.timings });
          if (event.type === 'token') {
            const token: TokenView = { text: event.token, ms: event.ms, beta: event.beta, visual: event.visualAttention.weights, passageWeights: event.passageWeights, textWeights: event.textWeights };
            update({ tokens: [...get().summary.tokens, token] });
          }
        },
        run.signal,
      );
      update({ status: 'done', summary: done.summary, timings: { ...get().summary.timings, ...done.timings }, memory: done.memory });
    } catch (err) {
      const error = isWorkerError(err) ? err : { code: 'internal' as const, message: String(err) };
      update(error.code === 'cancelled' ? { status: 'cancelled' } : { status: 'error', error });
    }
  },
  cancelSummary: () => summaryRun?.abort(),
  selectToken(index) {
    const { summary, study } = get();
    const token = index === undefined ? undefined : summary.tokens[index];
    set({ selected: token ? index : undefined });
    // A volume jumps to the slice where this token's attention peaks.
    if (token && study && summary.regionShape && study.depth > 1) {
      get().setSlice(regionSlice(peakRegion(token.visual, summary.regionShape).d, summary.regionShape[0], study.depth));
    }
  },
  setSettings: (patch) => set({ settings: { ...get().settings, ...patch } }),
});

export const useStore = create<TuwenState>()(
  persist(
    (...a) => ({ ...createStudySlice(...a), ...createViewSlice(...a), ...createTextSlice(...a), ...createAppSlice(...a), ...createSummarySlice(...a) }),
    {
      name: 'tuwen',
      // The text survives reloads of this tab only (sessionStorage): it is patient data, so it is not
      // kept once the tab is closed. The language is a preference.
      storage: createJSONStorage(() => sessionStorage),
      partialize: (s) => ({ text: s.text, previousText: s.previousText, lang: s.lang, settings: s.settings }),
    },
  ),
);
