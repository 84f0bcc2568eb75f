/** Window/level (VOI) presets for CT in Hounsfield units, and the arithmetic of mouse windowing. */

export interface Voi {
  center: number;
  width: number;
}

export type PresetId = 'lung' | 'mediastinum' | 'bone';

export const CT_PRESETS: Readonly<Record<PresetId, Voi>> = {
  lung: { center: -600, width: 1500 }, // 肺窗
  mediastinum: { center: 40, width: 400 }, // 纵隔窗
  bone: { center: 400, width: 1800 }, // 骨窗
};

/** The presets are in HU, so they apply only to CT. */
export function presetsApply(modality: string | undefined): boolean {
  return modality === 'CT';
}

/**
 * The window a study opens in: lung window for CT (Tuwen summarises chest CT), else the file's own
 * window, else the full range of modality values.
 */
export function initialVoi(modality: string | undefined, fileWindow: Partial<Voi>, range: { min: number; max: number }): Voi {
  if (presetsApply(modality)) return CT_PRESETS.lung;
  if (fileWindow.center !== undefined && fileWindow.width !== undefined && fileWindow.width > 0) {
    return { center: fileWindow.center, width: fileWindow.width };
  }
  return { center: (range.min + range.max) / 2, width: Math.max(1, range.max - range.min) };
}

/**
 * Dragging windows like every PACS viewer: right widens the window, down raises the level; one pixel of
 * drag moves by `sensitivity` × the current width / 100 (at least 1 unit).
 */
export function dragVoi(voi: Voi, dx: number, dy: number, sensitivity = 0.5): Voi {
  const step = Math.max(1, (voi.width / 100) * sensitivity);
  return { center: voi.center + dy * step, width: Math.max(1, voi.width + dx * step) };
}

/** Which preset a window equals, if any (so the preset buttons show their state after dragging). */
export function matchingPreset(voi: Voi): PresetId | undefined {
  return (Object.keys(CT_PRESETS) as PresetId[]).find((id) => CT_PRESETS[id].center === voi.center && CT_PRESETS[id].width === voi.width);
}
