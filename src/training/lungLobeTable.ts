/**
 * Counting P(lobe | side, position within the lung) (`inference/lesions/lungLobes.ts`) from training studies:
 * each box of a finding in a lobe, on each slice, adds one to its centre's cell, on the side of the image it
 * lies on, within that side's lung extent measured on the study's own slices.
 */
import { LOBES, type FindingTruth } from '../corpus/schema.ts';
import { cellOf, type LungLobeTable } from '../inference/lesions/lungLobes.ts';
import { LUNG_SIDES, positionInLung, sideOfColumn, studyLungExtents } from '../inference/lesions/lungPosition.ts';
import type { Grid } from '../inference/preprocess.ts';

/** Cells per axis and side: 24 named the omitted lobes best of 8, 12, 16 and 24 (docs/experiments.md). */
export const LUNG_LOBE_CELLS = 24;

/** One box centre: its side (index into `LUNG_SIDES`), its position within that lung, its lobe (index into `LOBES`). */
export interface LungLobeSample {
  side: number;
  position: [number, number];
  lobe: number;
}

/**
 * A study's samples, on the fixed filters' grid `to` in-plane (where the detector's candidates lie), from
 * its findings' boxes in the pixels of its own grid `volume`. A box whose centre lies on the other side's
 * half from its lobe, or on a side with no lung, adds nothing.
 */
export function studyLungLobeSamples(modality: Float32Array, volume: Grid, to: Grid, findings: readonly Pick<FindingTruth, 'location' | 'boxes'>[]): LungLobeSample[] {
  const grid = { depth: volume.depth, height: to.height, width: to.width };
  const extents = studyLungExtents(modality, volume, grid);
  // A volume pixel's centre → the filters' grid.
  const onGrid = (v: number, size: number, gridSize: number) => ((v + 0.5) * gridSize) / size - 0.5;
  return findings.flatMap((f) => {
    const lobe = (LOBES as readonly string[]).indexOf(f.location);
    if (lobe < 0) return [];
    return f.boxes.flatMap(({ slice, box: [x0, y0, x1, y1] }) => {
      const side = sideOfColumn(onGrid((x0 + x1) / 2, volume.width, grid.width), grid.width);
      const extent = extents[side];
      if (!extent || LOBES[lobe]![0] !== LUNG_SIDES[side]) return [];
      return [{ side, position: positionInLung(extent, slice, onGrid((y0 + y1) / 2, volume.height, grid.height)), lobe }];
    });
  });
}

/** The samples counted into a table of `cells` × `cells` per side. */
export function lungLobeTable(samples: readonly LungLobeSample[], cells = LUNG_LOBE_CELLS): LungLobeTable {
  const counts = new Array<number>(LUNG_SIDES.length * cells * cells * LOBES.length).fill(0);
  for (const { side, position: [u, v], lobe } of samples) counts[((side * cells + cellOf(u, cells)) * cells + cellOf(v, cells)) * LOBES.length + lobe]!++;
  return { cells, counts };
}
