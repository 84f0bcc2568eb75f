/**
 * P(lobe | side, position within the lung): how often each lobe held the training findings' lesions at each
 * cell of a grid over the lung's extent (`lungPosition.ts`), counted by the lesion stage
 * (`training/lungLobeTable.ts`). Read at the lesion detector's peak, it names the lobe of a finding the text
 * leaves it out of.
 */
import { LOBES, type Lobe } from '../../corpus/schema.ts';
import { LUNG_SIDES, type LungSide } from './lungPosition.ts';

/** Counts laid out [side (`LUNG_SIDES`)][slice cell][row cell][lobe (`LOBES`)], `cells` × `cells` per side. */
export interface LungLobeTable {
  cells: number;
  counts: number[];
}

/** The cell along one axis of a position in [0, 1]; positions beyond the lung's extent fall in its edge cells. */
export function cellOf(position: number, cells: number): number {
  return Math.min(cells - 1, Math.max(0, Math.floor(position * cells)));
}

/**
 * The lobe counts at a position on a side: its cell's, or where that cell is empty, the summed counts of the
 * nearest ring of cells around it that holds any. Undefined where the side has none at all.
 */
export function lobeCountsAt({ cells, counts }: LungLobeTable, side: LungSide, [u, v]: readonly [number, number]): number[] | undefined {
  const s = LUNG_SIDES.indexOf(side);
  const [cu, cv] = [cellOf(u, cells), cellOf(v, cells)];
  for (let ring = 0; ring < cells; ring++) {
    const sum = new Array<number>(LOBES.length).fill(0);
    for (let a = cu - ring; a <= cu + ring; a++)
      for (let b = cv - ring; b <= cv + ring; b++) {
        if (a < 0 || b < 0 || a >= cells || b >= cells || Math.max(Math.abs(a - cu), Math.abs(b - cv)) !== ring) continue;
        const at = ((s * cells + a) * cells + b) * LOBES.length;
        for (let l = 0; l < LOBES.length; l++) sum[l]! += counts[at + l]!;
      }
    if (sum.some((c) => c > 0)) return sum;
  }
  return undefined;
}

/** The side's lobes' shares of the counts at a position (`lobeCountsAt`); undefined where there are none. */
export function lobeSharesAt(table: LungLobeTable, side: LungSide, position: readonly [number, number]): Map<Lobe, number> | undefined {
  const counts = lobeCountsAt(table, side, position);
  if (!counts) return undefined;
  const lobes = LOBES.filter((lobe) => lobe[0] === side);
  const total = lobes.reduce((sum, lobe) => sum + counts[LOBES.indexOf(lobe)]!, 0);
  return total > 0 ? new Map(lobes.map((lobe) => [lobe, counts[LOBES.indexOf(lobe)]! / total])) : undefined;
}
