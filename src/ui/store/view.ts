/** How the study is shown: the slice on screen, the window (VOI), whether patient fields are visible. */
import { CT_PRESETS, dragVoi, type PresetId, type Voi } from '../viewer/windowPresets.ts';
import type { Slice } from './slice.ts';

/** Which of a token's visual attentions the heatmap shows, for a model with a pointing head: the head's, or the one the decoder reads the image through. */
export type HeatmapView = 'pointing' | 'reading';

export interface ViewSlice {
  slice: number;
  voi: Voi;
  showPatient: boolean;
  heatmap: HeatmapView;
  setHeatmap: (view: HeatmapView) => void;
  setSlice: (slice: number) => void;
  stepSlice: (delta: number) => void;
  setPreset: (preset: PresetId) => void;
  dragWindow: (dx: number, dy: number) => void;
  togglePatient: () => void;
}

export const createViewSlice: Slice<ViewSlice> = (set, get) => ({
  slice: 0,
  voi: CT_PRESETS.lung,
  showPatient: false,
  heatmap: 'pointing',
  setHeatmap: (heatmap) => set({ heatmap }),
  setSlice: (slice) => set({ slice: Math.max(0, Math.min((get().study?.depth ?? 1) - 1, slice)) }),
  stepSlice: (delta) => get().setSlice(get().slice + delta),
  setPreset: (preset) => set({ voi: CT_PRESETS[preset] }),
  dragWindow: (dx, dy) => set({ voi: dragVoi(get().voi, dx, dy) }),
  togglePatient: () => set({ showPatient: !get().showPatient }),
});
