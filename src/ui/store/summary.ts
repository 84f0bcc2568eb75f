/** The model and the summary: loading the model, streaming a summary's tokens, the token on display, the settings. */
import { peakRegion } from '../../eval/pointing.ts';
import { shownAttention } from '../summary/heatmap.ts';
import { PAGE_SETTINGS } from '../../inference/pageDecoding.ts';
import type { ImagedFinding, PassageView, SummarySettings, SummaryTimingsView, WorkerError } from '../../workers/protocol.ts';
import { isWorkerError, type Slice, type WorkerLink } from './slice.ts';

/** One streamed token as the page keeps it. */
export interface TokenView {
  text: string;
  /** Milliseconds since decoding began. */
  ms: number;
  /** null: the model has no fusion gate (generative). */
  beta: number | null;
  /** The heatmap: attention over image regions (a model with a pointing head: the head's). */
  visual: Float32Array;
  /** A model with a pointing head: the attention its decoder reads the image through. */
  reading?: Float32Array;
  passageWeights: Float32Array[];
  textWeights: Float32Array;
  /** With sentence attention: weights over the input text's sentences. */
  sentenceWeights?: Float32Array;
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
  /** λ of the MMR order the model ranks its passages in; absent: by score. */
  mmr?: number;
  error?: WorkerError;
}

export interface SummaryState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  tokens: TokenView[];
  passages: PassageView[];
  inputTokens: string[];
  /** How many of the input's last sentences are findings read from the image (not the text's). */
  imagedSentences?: number;
  contextLength?: number;
  regionShape?: [number, number, number];
  timings?: SummaryTimingsView;
  summary?: string;
  /** Beam search: steps decoded so far, and the most it may take (its tokens come at the end). */
  beamSteps?: { steps: number; maxLength: number };
  /** The worker's tfjs memory after it (for leak checks). */
  memory?: { tensors: number; bytes: number };
  /** Findings the text leaves out that the summary writes from the image. */
  imaged?: ImagedFinding[];
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
  /** A new study is open: stop any summary of the old one and clear it, so none of its events arrive after. */
  discardSummary: () => void;
  selectToken: (index: number | undefined) => void;
  setSettings: (settings: Partial<SummarySettings>) => void;
}

export const EMPTY_SUMMARY: SummaryState = { status: 'idle', tokens: [], passages: [], inputTokens: [] };

/** The slice a region-grid depth index covers, at its middle (for "jump to the slice of peak attention"). */
function regionSlice(regionDepth: number, regionSlices: number, depth: number): number {
  return Math.min(depth - 1, Math.floor(((regionDepth + 0.5) * depth) / regionSlices));
}

export const createSummarySlice = ({ worker, session }: WorkerLink): Slice<SummarySlice> => {
  let summaryRun: AbortController | undefined;
  return (set, get) => ({
    model: { status: 'idle' },
    summary: EMPTY_SUMMARY,
    settings: { ...PAGE_SETTINGS, k: 3, maxLength: 96 },
    async loadModel(base) {
      session.modelBase = base;
      set({ model: { status: 'loading', base, loaded: 0 } });
      try {
        const ready = await worker.request({ type: 'load-model', base }, 'model-ready', [], (event) => {
          if (event.type === 'model-progress') set({ model: { status: 'loading', base, loaded: event.loaded, total: event.total } });
        });
        // The decoder reads as many passages as it was trained with (it fails with fewer: docs/experiments.md, "Fewer passages, a larger LSTM");
        // summaries may be as long as the model was trained to write (a cut one loses its last findings).
        set({ model: { status: 'ready', base, kind: ready.kind, name: ready.name, params: ready.params, ms: ready.ms, total: ready.bytes, ...(ready.mmr === undefined ? {} : { mmr: ready.mmr }) }, settings: { ...get().settings, maxLength: ready.maxSummary, ...(ready.k === undefined ? {} : { k: ready.k }) } });
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
            if (event.type === 'summary-context') update({ passages: event.passages, inputTokens: event.inputTokens, imagedSentences: event.imagedSentences, contextLength: event.contextLength, regionShape: event.regionShape, timings: event.timings });
            if (event.type === 'beam-step') update({ beamSteps: { steps: event.steps, maxLength: event.maxLength } });
            if (event.type === 'token') {
              const token: TokenView = { text: event.token, ms: event.ms, beta: event.beta, visual: event.visualAttention.weights, ...(event.readingWeights ? { reading: event.readingWeights } : {}), passageWeights: event.passageWeights, textWeights: event.textWeights, ...(event.sentenceWeights ? { sentenceWeights: event.sentenceWeights } : {}) };
              // By index: a summary run again (the worker fell back to wasm mid-way) starts over at token 0.
              update({ tokens: [...get().summary.tokens.slice(0, event.index), token] });
            }
          },
          run.signal,
        );
        update({ status: 'done', summary: done.summary, timings: { ...get().summary.timings, ...done.timings }, memory: done.memory, imaged: done.imaged });
      } catch (err) {
        const error = isWorkerError(err) ? err : { code: 'internal' as const, message: String(err) };
        update(error.code === 'cancelled' ? { status: 'cancelled' } : { status: 'error', error });
      }
    },
    cancelSummary: () => summaryRun?.abort(),
    discardSummary() {
      summaryRun?.abort();
      summaryRun = undefined;
      set({ summary: EMPTY_SUMMARY, selected: undefined });
    },
    selectToken(index) {
      const { summary, study, heatmap } = get();
      const token = index === undefined ? undefined : summary.tokens[index];
      set({ selected: token ? index : undefined });
      // A volume jumps to the slice where the attention on show peaks for this token.
      if (token && study && summary.regionShape && study.depth > 1) {
        get().setSlice(regionSlice(peakRegion(shownAttention(token, heatmap), summary.regionShape).d, summary.regionShape[0], study.depth));
      }
    },
    setSettings: (patch) => set({ settings: { ...get().settings, ...patch } }),
  });
};
