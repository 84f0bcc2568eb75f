/** Colour scales of the summary views: β (generated ↔ retrieved) and attention heat. Pure functions. */

const GENERATED: [number, number, number] = [245, 158, 11]; // amber: the generator's word
const RETRIEVED: [number, number, number] = [14, 165, 233]; // sky: copied from retrieved text

/** β in [0, 1] → an rgb() colour between "generated" (0) and "retrieved" (1). */
export function betaColor(beta: number): string {
  const t = Math.min(1, Math.max(0, beta));
  const [r, g, b] = GENERATED.map((c, i) => Math.round(c + (RETRIEVED[i]! - c) * t));
  return `rgb(${r}, ${g}, ${b})`;
}

/** A token of a model without β (the generative one): one neutral colour. */
export const NO_BETA_COLOR = 'rgb(226, 232, 240)';

/** Attention weight relative to the largest, in [0, 1] → RGBA bytes: transparent → red → yellow. */
export function heatRgba(relative: number): [number, number, number, number] {
  const t = Math.min(1, Math.max(0, relative));
  return [255, Math.round(255 * Math.max(0, t * 2 - 1)), 0, Math.round(200 * Math.sqrt(t))];
}

/** Weights scaled so that the largest is 1 (all zeros stay zeros). */
export function relativeWeights(weights: ArrayLike<number>): Float32Array {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, weights[i]!);
  return Float32Array.from(weights as ArrayLike<number>, (w) => (max > 0 ? w / max : 0));
}
