/** The key slice of a study, and a lung-window PNG of it (optionally with the findings' boxes drawn). */
import { PNG } from 'pngjs';
import { RESCALE_INTERCEPT } from './render.ts';
import type { Study } from './study.ts';

export const LUNG_WINDOW = { center: -600, width: 1500 };

/** The slice where the first-listed finding is largest; the mid-lung slice for a normal study. */
export function keySliceIndex(study: Study): number {
  const first = study.facts[0];
  const finding = study.findings.find((f) => f.type === first?.finding && f.location === first.location);
  if (!finding) return Math.floor(study.phantom.sliceZ.length * 0.55);
  const area = (b: [number, number, number, number]) => (b[2] - b[0] + 1) * (b[3] - b[1] + 1);
  return finding.boxes.reduce((best, b) => (area(b.box) > area(best.box) ? b : best)).slice;
}

/** Grey levels of one slice in a window: 0 at center − width/2, 255 at center + width/2. */
export function windowSlice(study: Study, slice: number, win = LUNG_WINDOW): Uint8Array {
  const n = study.phantom.size;
  const out = new Uint8Array(n * n);
  const lo = win.center - win.width / 2;
  for (let v = 0; v < n * n; v++) {
    const hu = study.stored[slice * n * n + v]! + RESCALE_INTERCEPT;
    out[v] = Math.max(0, Math.min(255, Math.round(((hu - lo) / win.width) * 255)));
  }
  return out;
}

const BOX_COLOUR = [255, 200, 0];

export function keySlicePng(study: Study, options: { boxes?: boolean; slice?: number } = {}): Buffer {
  const n = study.phantom.size;
  const slice = options.slice ?? keySliceIndex(study);
  const grey = windowSlice(study, slice);
  const png = new PNG({ width: n, height: n });
  for (let v = 0; v < n * n; v++) {
    png.data[4 * v] = png.data[4 * v + 1] = png.data[4 * v + 2] = grey[v]!;
    png.data[4 * v + 3] = 255;
  }
  if (options.boxes) {
    for (const f of study.findings) {
      for (const { slice: s, box } of f.boxes) {
        if (s !== slice) continue;
        const [x0, y0, x1, y1] = [box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2].map((v) => Math.max(0, Math.min(n - 1, v))) as [number, number, number, number];
        for (let x = x0; x <= x1; x++) for (const y of [y0, y1]) BOX_COLOUR.forEach((c, ch) => (png.data[4 * (y * n + x) + ch] = c));
        for (let y = y0; y <= y1; y++) for (const x of [x0, x1]) BOX_COLOUR.forEach((c, ch) => (png.data[4 * (y * n + x) + ch] = c));
      }
    }
  }
  return PNG.sync.write(png);
}
