import { describe, expect, it } from 'vitest';
import { regionLobeTable } from '../../src/training/regionLobes.ts';
import type { FindingTruth } from '../../src/corpus/schema.ts';

describe('regionLobeTable', () => {
  // A 1 × 1 × 2 region grid over a 2-slice, 2 × 4 volume: region 0 is columns 0–1, region 1 columns 2–3.
  const volume = { depth: 2, height: 2, width: 4 };
  const finding = (location: string, x0: number, x1: number) => ({ type: 'solid-nodule', location, boxes: [{ slice: 0, box: [x0, 0, x1, 1] }] }) as unknown as FindingTruth;
  it('counts each region under each lobe\'s findings, rows normalised; regions no finding covers stay 0; pleural places do not count', () => {
    const studies = [
      { findings: [finding('右肺上叶', 0, 1)], volume }, // region 0
      { findings: [finding('右肺上叶', 0, 1), finding('左肺下叶', 0, 1)], volume }, // region 0, twice
      { findings: [finding('右侧胸腔', 2, 3)], volume }, // not a lobe
    ];
    // Lobes in LOBES order: 右肺上叶, 右肺中叶, 右肺下叶, 左肺上叶, 左肺下叶. Region 0: 2 × 右肺上叶, 1 × 左肺下叶.
    expect(regionLobeTable(studies, [1, 1, 2])).toEqual([2 / 3, 0, 0, 0, 1 / 3, 0, 0, 0, 0, 0]);
  });
});
