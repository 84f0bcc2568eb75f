/** The ground-glass filter against values worked out by hand, and the fixed filters' maxima per region. */
import { describe, expect, it } from 'vitest';
import { gaussianBlur } from '../../src/inference/dotFilter.ts';
import { FILTER_COUNT, regionFilterMaxima, sliceRegions } from '../../src/inference/filterMaxima.ts';
import { GROUND_GLASS_FILTER, groundGlassFilter } from '../../src/inference/groundGlassFilter.ts';

const N = 32;
const one = { depth: 1, height: N, width: N };
/** A slice of lung (−850 HU) where `at(x, y)` gives another value (or undefined). */
const slice = (at: (x: number, y: number) => number | undefined) => Float32Array.from({ length: N * N }, (_, i) => at(i % N, Math.floor(i / N)) ?? -850);
const disc = (cx: number, cy: number, r: number, hu: number) => (x: number, y: number) => ((x - cx) ** 2 + (y - cy) ** 2 <= r * r ? hu : undefined);

describe('ground-glass filter', () => {
  it('answers nearly 1 inside a ground-glass disc much wider than σ, and 0 in clear lung', () => {
    const out = groundGlassFilter(slice(disc(16, 16, 6, -580)), one, GROUND_GLASS_FILTER);
    expect(out[16 * N + 16]!).toBeGreaterThan(0.99);
    expect(out[16 * N + 2]!).toBe(0);
  });

  it('takes a vessel’s partial-volume rim away: band share less twice the soft-tissue share', () => {
    // A vertical vessel: column 16 at 40 HU, its rim (columns 15 and 17) at −500 HU, in the band.
    const values = slice((x) => (x === 16 ? 40 : x === 15 || x === 17 ? -500 : undefined));
    const out = groundGlassFilter(values, one, GROUND_GLASS_FILTER);
    // Along a row the smoothing is the 1-D kernel k: at column 14 the band share is k(1) + k(3) and the
    // soft-tissue share k(2); closer in, the soft tissue outweighs the band, and further out both fade.
    const k = gaussianBlur(Float32Array.from({ length: N * N }, (_, i) => (i % N === 16 ? 1 : 0)), N, N, GROUND_GLASS_FILTER.sigma);
    const at = (dx: number) => k[16 * N + 16 + dx]!;
    expect(out[16 * N + 14]!).toBeCloseTo(at(1) + at(3) - 2 * at(2), 5);
    expect(out[16 * N + 15]!).toBe(0);
    expect(out[16 * N + 16]!).toBe(0);
    expect(Math.max(...out)).toBeLessThan(0.1);
  });

  it('is 0 away from the lungs: a small ground-glass disc in soft tissue, which in lung it answers', () => {
    const inLung = groundGlassFilter(slice(disc(16, 16, 3, -580)), one, GROUND_GLASS_FILTER);
    expect(inLung[16 * N + 16]!).toBeGreaterThan(0.5);
    const values = Float32Array.from({ length: N * N }, (_, i) => disc(16, 16, 3, -580)(i % N, Math.floor(i / N)) ?? 40);
    expect(Math.max(...groundGlassFilter(values, one, GROUND_GLASS_FILTER))).toBe(0);
  });
});

describe('the fixed filters’ maxima per region', () => {
  it('gives each region of the grid the largest response of each filter inside it', () => {
    // 4 slices of 32², regions 2 × 2 × 2: a solid ball (40 HU) in region (0, 1, 0), a ground-glass disc in region (1, 0, 1).
    const grid = { depth: 4, height: N, width: N };
    const volume = new Float32Array(4 * N * N).fill(-850);
    for (let z = 0; z < 2; z++) volume.set(slice(disc(8, 24, 3, 40)), z * N * N);
    for (let z = 2; z < 4; z++) volume.set(slice(disc(24, 8, 5, -580)), z * N * N);
    const regions = { depth: 2, height: 2, width: 2 };
    const maxima = regionFilterMaxima(volume, grid, grid, regions);
    expect(maxima.length).toBe(8 * FILTER_COUNT);
    const of = (f: number) => Array.from({ length: 8 }, (_, r) => maxima[r * FILTER_COUNT + f]!);
    const peak = (v: number[]) => v.indexOf(Math.max(...v));
    expect(peak(of(0))).toBe(2); // region (0, 1, 0): slice-row-column order
    expect(peak(of(1))).toBe(5); // region (1, 0, 1)
    expect(of(1)[5]).toBeGreaterThan(0.9);
    expect(of(0)[2]).toBeGreaterThan(0.5);
  });

  it('counts a slice in every region depth it overlaps: on a boundary in both, a one-slice image in all', () => {
    expect(sliceRegions(0, 3, 2)).toEqual([0]);
    expect(sliceRegions(1, 3, 2)).toEqual([0, 1]); // spans 1/3 to 2/3, across the boundary at 1/2
    expect(sliceRegions(2, 3, 2)).toEqual([1]);
    expect(sliceRegions(3, 8, 4)).toEqual([1]); // 3/8 to 4/8 ends on the boundary: region 1 only
    expect(sliceRegions(0, 1, 4)).toEqual([0, 1, 2, 3]);
  });

  it('runs the filters on the study’s own slices, resampled in-plane only', () => {
    // Three slices of 64²: only the middle one holds a ground-glass disc, its neighbours hold soft tissue
    // where it lies. Blended into the encoder's slices, the disc would read as denser than ground glass; on
    // its own slice the filter answers it fully, in both region depths the slice overlaps.
    const M = 64;
    const big = (at: (x: number, y: number) => number | undefined) => Float32Array.from({ length: M * M }, (_, i) => at(i % M, Math.floor(i / M)) ?? -850);
    const volume = new Float32Array(3 * M * M);
    volume.set(big(disc(20, 20, 10, 40)), 0);
    volume.set(big(disc(20, 20, 10, -580)), M * M);
    volume.set(big(disc(20, 20, 10, 40)), 2 * M * M);
    const maxima = regionFilterMaxima(volume, { depth: 3, height: M, width: M }, { depth: 8, height: N, width: N }, { depth: 2, height: 2, width: 2 });
    expect(maxima[0 * FILTER_COUNT + 1]!).toBeGreaterThan(0.9); // region (0, 0, 0)
    expect(maxima[4 * FILTER_COUNT + 1]!).toBeGreaterThan(0.9); // region (1, 0, 0)
    expect(maxima[3 * FILTER_COUNT + 1]!).toBeLessThan(0.01); // region (0, 1, 1): clear lung, diagonally away
  });
});
