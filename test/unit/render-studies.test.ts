/** Rendering on worker threads gives exactly the studies one thread renders, in the same order. */
import { describe, expect, it } from 'vitest';
import type { ImageEncoderConfig } from '../../src/inference/models/imageEncoder.ts';
import { renderSplit, renderStudy } from '../../src/training/renderStudies.ts';
import { mapSplit } from '../../src/training/studies.ts';

const image: ImageEncoderConfig = { grid: { depth: 8, height: 32, width: 32 }, channels: 2, widths: [4, 8, 8], findingTypes: 9 };

describe('renderSplit', () => {
  it('matches a single-threaded render for every split, with progress over every index', async () => {
    for (const split of ['train', 'val'] as const) {
      const job = { seed: 61, n: 14, split, size: 64, image };
      const serial = mapSplit(job.seed, job.n, split, job.size, (s) => renderStudy(s, image));
      const progress: number[] = [];
      const parallel = await renderSplit(job, (done) => progress.push(done), 3);
      expect(parallel.length).toBeGreaterThan(0);
      expect(parallel).toEqual(serial);
      expect(progress.at(-1)).toBe(job.n);
    }
  });

  it('returns every study without a progress callback', async () => {
    const job = { seed: 61, n: 6, split: 'train' as const, size: 64, image };
    expect(await renderSplit(job, undefined, 2)).toHaveLength(mapSplit(job.seed, job.n, 'train', job.size, (s) => s.id).length);
  });

  it("fails with the worker's own error for a job it cannot render", async () => {
    const bad = { ...image, grid: { depth: 7, height: 32, width: 32 } };
    await expect(renderSplit({ seed: 61, n: 4, split: 'train', size: 64, image: bad }, undefined, 2)).rejects.toThrow(/multiple of 8×16×16/);
  });
});

describe('mapSplit', () => {
  it('with a limit, the first studies of the split and no more; a limit beyond them changes nothing', () => {
    const all = mapSplit(61, 20, 'train', 16, (s) => s.id);
    expect(all.length).toBeGreaterThan(3);
    expect(mapSplit(61, 20, 'train', 16, (s) => s.id, undefined, 3)).toEqual(all.slice(0, 3));
    expect(mapSplit(61, 20, 'train', 16, (s) => s.id, undefined, 1000)).toEqual(all);
  });
});
