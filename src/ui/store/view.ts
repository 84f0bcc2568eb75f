/** How the study is shown: the slice on screen, the window (VOI), whether patient fields are visible. */
import { CT_PRESETS, dragVoi, type PresetId, type Voi } from '../viewer/windowPresets.ts';
import type { Slice } from './slice.ts';

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

export const createViewSlice: Slice<ViewSlice> = (set, get) => ({
  slice: 0,
  voi: CT_PRESETS.lung,
  showPatient: false,
  setSlice: (slice) => set({ slice: Math.max(0, Math.min((get().study?.depth ?? 1) - 1, slice)) }),
  stepSlice: (delta) => get().setSlice(get().slice + delta),
  setPreset: (preset) => set({ voi: CT_PRESETS[preset] }),
  dragWindow: (dx, dy) => set({ voi: dragVoi(get().voi, dx, dy) }),
  togglePatient: () => set({ showPatient: !get().showPatient }),
});
