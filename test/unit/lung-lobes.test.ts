/** Lobes from a point's place within its lung: the lung's extent, the table's cells and counting, by hand. */
import { describe, expect, it } from 'vitest';
import { cellOf, lobeCountsAt, lobeSharesAt, type LungLobeTable } from '../../src/inference/lesions/lungLobes.ts';
import { extentOf, lowAttenuationPlaces, lungExtents, lungMasks, lungPixels, positionInLung, sideOfColumn, unwalledLowAttenuation } from '../../src/inference/lesions/lungPosition.ts';
import { lungLobeTable, studyLungLobeSamples } from '../../src/training/lungLobeTable.ts';

/** A slice from rows of characters: '.' air (−1000 HU), '#' tissue (0), 'L' lung (−900). */
const slice = (...rows: string[]) => Float32Array.from(rows.join(''), (c) => (c === '.' ? -1000 : c === 'L' ? -900 : 0));

describe('lungPixels', () => {
  it('air-like pixels not joined to the border: the lung inside the body, not the air around it', () => {
    const s = slice('.....', '.###.', '.#L#.', '.###.', '.....');
    expect([...lungPixels(s, 5, 5)].flatMap((v, i) => (v ? [i] : []))).toEqual([12]);
  });
});

describe('extentOf', () => {
  it('slices with at least 2 % of the largest slice; rows between the 1 % and 99 % quantiles; as edges', () => {
    expect(extentOf([0, 10, 100, 1], [0, 1, 98, 1, 0])).toEqual({ z0: 0.5, z1: 2.5, y0: 1.5, y1: 2.5 });
  });
  it('none without lung pixels', () => {
    expect(extentOf([0, 0], [0, 0, 0])).toBeUndefined();
  });
});

describe('lungExtents', () => {
  it('each side on its half of the image: the patient\'s right on the left', () => {
    const s0 = slice('..........', '.########.', '.########.', '.#L######.', '.########.', '.########.', '..........');
    const s1 = slice('..........', '.########.', '.#####L##.', '.#L###L##.', '.#####L##.', '.########.', '..........');
    const hu = new Float32Array(140);
    hu.set(s0, 0);
    hu.set(s1, 70);
    // Right: one pixel on each slice, row 3. Left: three pixels on slice 1 only, rows 2–4.
    const grid = { depth: 2, height: 7, width: 10 };
    expect(lungExtents(lungMasks(hu, grid), grid)).toEqual([
      { z0: -0.5, z1: 1.5, y0: 2.5, y1: 3.5 },
      { z0: 0.5, z1: 1.5, y0: 1.5, y1: 4.5 },
    ]);
  });
});

describe('unwalledLowAttenuation', () => {
  it('lung voxels at or below −950 HU whose patch borders lung, not a patch walled by tissue (a cavity)', () => {
    // 'E': −960 inside lung; 'C': a cavity's air (−1000) inside tissue.
    const s = slice('.......', '.#####.', '.#LLL#.', '.#LEL#.', '.#LLL#.', '.##C##.', '.#####.', '.......');
    s[3 * 7 + 3] = -960;
    s[5 * 7 + 3] = -1000;
    const grid = { depth: 1, height: 8, width: 7 };
    expect([...unwalledLowAttenuation(s, lungMasks(s, grid), grid)].flatMap((v, i) => (v ? [i] : []))).toEqual([3 * 7 + 3]);
  });
});

describe('lowAttenuationPlaces', () => {
  it('each side\'s unwalled low-attenuation voxels, as places within its lung; not the air around the body', () => {
    const s = slice('............', '.##########.', '.#LLL##LLL#.', '.#LLL##LLL#.', '.#LLL##LLL#.', '.##########.', '............');
    s[3 * 12 + 3] = -960; // right lung, row 3
    s[3 * 12 + 8] = -950; // left lung, row 3 (at the threshold)
    const lung = { z0: -0.5, z1: 0.5, y0: 1.5, y1: 4.5 };
    const grid = { depth: 1, height: 7, width: 12 };
    expect(lowAttenuationPlaces(s, lungMasks(s, grid), grid, [lung, lung])).toEqual([[[0.5, 0.5]], [[0.5, 0.5]]]);
  });
});

describe('positionInLung, sideOfColumn, cellOf', () => {
  it('by hand', () => {
    expect(positionInLung({ z0: -0.5, z1: 1.5, y0: 1.5, y1: 2.5 }, 1, 2)).toEqual([0.75, 0.5]);
    expect([sideOfColumn(3, 8), sideOfColumn(4, 8)]).toEqual([0, 1]);
    expect([cellOf(0.5, 4), cellOf(-0.1, 4), cellOf(1, 4), cellOf(0.999, 4)]).toEqual([2, 0, 3, 3]);
  });
});

describe('lobeCountsAt, lobeSharesAt', () => {
  // 2 × 2 cells per side, lobes in LOBES order (右肺上叶, 右肺中叶, 右肺下叶, 左肺上叶, 左肺下叶); [side][slice cell][row cell].
  const table: LungLobeTable = { cells: 2, counts: [0, 1, 3, 0, 0, /**/ 0, 0, 0, 0, 0, /**/ 4, 0, 0, 0, 0, /**/ 1, 0, 1, 0, 0, ...new Array(20).fill(0)] };
  it('the cell\'s counts', () => {
    expect(lobeCountsAt(table, '右', [0.2, 0.2])).toEqual([0, 1, 3, 0, 0]);
    expect(Object.fromEntries(lobeSharesAt(table, '右', [0.2, 0.2])!)).toEqual({ 右肺上叶: 0, 右肺中叶: 0.25, 右肺下叶: 0.75 });
  });
  it('an empty cell: the nearest ring\'s summed counts', () => {
    expect(lobeCountsAt(table, '右', [0.2, 0.8])).toEqual([5, 1, 4, 0, 0]);
    expect(Object.fromEntries(lobeSharesAt(table, '右', [0.2, 0.8])!)).toEqual({ 右肺上叶: 0.5, 右肺中叶: 0.1, 右肺下叶: 0.4 });
  });
  it('none on a side with no counts', () => {
    expect(lobeCountsAt(table, '左', [0.5, 0.5])).toBeUndefined();
    expect(lobeSharesAt(table, '左', [0.5, 0.5])).toBeUndefined();
  });
});

describe('studyLungLobeSamples, lungLobeTable', () => {
  // One slice, 6 × 8: the right lung's pixels in rows 2–3, columns 2–3 (and the left's in columns 4–5).
  const modality = slice('........', '.######.', '.#LLLL#.', '.#LLLL#.', '.######.', '........');
  const grid = { depth: 1, height: 6, width: 8 };
  const box = (x0: number, y0: number, x1: number, y1: number) => [{ slice: 0, box: [x0, y0, x1, y1] as [number, number, number, number] }];
  const findings = [
    { location: '右肺上叶' as const, boxes: box(2, 2, 3, 3) }, // centre (2.5, 2.5): right, halfway up the one slice, halfway back
    { location: '右侧胸腔' as const, boxes: box(2, 2, 2, 2) }, // no lobe
    { location: '左肺下叶' as const, boxes: box(1, 2, 2, 3) }, // a left lobe on the right half
  ];
  it('a box centre\'s side, place within that lung and lobe; not a place that is no lobe, nor a lobe on the other side', () => {
    const samples = studyLungLobeSamples(modality, grid, grid, findings);
    expect(samples).toEqual([{ side: 0, position: [0.5, 0.5], lobe: 0 }]);
    const { cells, counts } = lungLobeTable(samples, 2);
    expect(cells).toBe(2);
    expect(counts.flatMap((c, i) => (c ? [[i, c]] : []))).toEqual([[((0 * 2 + 1) * 2 + 1) * 5 + 0, 1]]);
  });
});
