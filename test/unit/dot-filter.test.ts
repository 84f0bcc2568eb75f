/** The nodule ("dot") filter against values worked out by hand (Li et al. 2003; see dotFilter.ts). */
import { describe, expect, it } from 'vitest';
import { dotFilter, dotResponse, gaussianBlur } from '../../src/inference/dotFilter.ts';
import { encoderChannels } from '../../src/inference/preprocess.ts';

const N = 41;
const C = 20;
/** A slice of lung (−850 HU) with `add(x, y)` HU added. */
const slice = (add: (x: number, y: number) => number) => Float32Array.from({ length: N * N }, (_, i) => -850 + add(i % N, Math.floor(i / N)));
const blob = (a: number, s: number) => (x: number, y: number) => a * Math.exp(-((x - C) ** 2 + (y - C) ** 2) / (2 * s * s));

describe('dot filter', () => {
  it('answers a Gaussian blob of contrast A with about A/4 at its centre, at the matching scale', () => {
    // Smoothing a blob of width s at σ gives width √(s² + σ²) and peak A s²/(s² + σ²); both Hessian
    // eigenvalues at the centre are −A s²/(s² + σ²)², so σ² λ₂²/|λ₁| = A σ² s²/(s² + σ²)², A/4 at σ = s.
    const r = dotResponse(gaussianBlur(slice(blob(800, 3)), N, N, 3), N, N, 3);
    expect(r[C * N + C]!).toBeGreaterThan(800 / 4 * 0.9);
    expect(r[C * N + C]!).toBeLessThan(800 / 4 * 1.1);
  });
  it('hardly answers a vessel: a bright line as strong and as wide', () => {
    const line = (x: number, y: number) => 800 * Math.exp(-((y - C) ** 2) / (2 * 9)) + 0 * x;
    const r = dotResponse(gaussianBlur(slice(line), N, N, 3), N, N, 3);
    expect(r[C * N + C]!).toBeLessThan(1);
  });
  it('does not answer a dark blob', () => {
    const r = dotResponse(gaussianBlur(slice(blob(-800, 3)), N, N, 3), N, N, 3);
    // Both eigenvalues are positive at its centre, the tangential one everywhere around it: nothing but float rounding.
    expect(Math.max(...r)).toBeLessThan(0.01);
  });
  it('maps to z / (z + halfAt) inside lung and to 0 outside it', () => {
    const inLung = dotFilter(slice(blob(800, 3)), { depth: 1, height: N, width: N }, { sigmas: [3], halfAt: 200 });
    // ≈ 200 at the centre → ≈ 0.5.
    expect(inLung[C * N + C]!).toBeGreaterThan(0.45);
    expect(inLung[C * N + C]!).toBeLessThan(0.55);
    const soft = Float32Array.from(slice(blob(800, 3)), (v) => v + 850 + 40); // the same blob on soft tissue (40 HU)
    expect(Math.max(...dotFilter(soft, { depth: 1, height: N, width: N }, { sigmas: [3], halfAt: 200 }))).toBe(0);
  });
  it('is the third input channel when the encoder asks for it', () => {
    const grid = { depth: 1, height: N, width: N };
    const values = slice(blob(800, 3));
    const x = encoderChannels(values, grid, { dot: { sigmas: [3], halfAt: 200 } });
    expect(x.length).toBe(N * N * 3);
    expect(x[(C * N + C) * 3 + 2]).toBeCloseTo(dotFilter(values, grid, { sigmas: [3], halfAt: 200 })[C * N + C]!, 6);
    expect(encoderChannels(values, grid).length).toBe(N * N * 2);
  });
});
