/** Small SVG charts for reports and cards: no library, plain text output that diffs well. */

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface BarChart {
  title: string;
  labels: string[];
  values: number[];
  /** Label under the value axis. */
  unit?: string;
  width?: number;
}

/** Horizontal bars, one row per label, each with its value printed at the end. */
export function barChart({ title, labels, values, unit = '', width = 560 }: BarChart): string {
  const row = 22;
  const left = Math.min(220, 16 + Math.max(...labels.map((l) => l.length)) * 12);
  const height = 40 + labels.length * row + 24;
  const max = Math.max(...values, 1e-9);
  const barSpace = width - left - 70;
  const bars = labels
    .map((label, i) => {
      const y = 36 + i * row;
      const w = (values[i]! / max) * barSpace;
      const value = Number.isInteger(values[i]) ? String(values[i]) : values[i]!.toFixed(3);
      return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${escape(label)}</text><rect x="${left}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" fill="#1f6feb"/><text x="${(left + w + 6).toFixed(1)}" y="${y + 14}">${value}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="20" font-size="14" font-weight="bold">${escape(title)}</text>${bars}<text x="${left}" y="${height - 6}" fill="#5d6675">${escape(unit)}</text></svg>\n`;
}

/** Counts of values in equal-width bins: labels "lo–hi" and counts, for barChart. */
export function histogram(values: number[], binWidth: number): { labels: string[]; counts: number[] } {
  if (values.length === 0) return { labels: [], counts: [] };
  const lo = Math.floor(Math.min(...values) / binWidth) * binWidth;
  const bins = Math.floor((Math.max(...values) - lo) / binWidth) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.floor((v - lo) / binWidth)]!++;
  return { labels: counts.map((_, i) => `${lo + i * binWidth}–${lo + (i + 1) * binWidth - 1}`), counts };
}

export interface LineChart {
  title: string;
  /** Named series of (x, y) points, drawn in order. */
  series: { name: string; points: [number, number][] }[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

const COLOURS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df'];

/** Lines over a shared linear axis box (training curves). */
export function lineChart({ title, series, xLabel, yLabel, width = 560, height = 300 }: LineChart): string {
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
  const [y0, y1] = [Math.min(0, ...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]), 1e-9)];
  const left = 50;
  const top = 30;
  const plotW = width - left - 20;
  const plotH = height - top - 40;
  const px = (x: number) => left + ((x - x0) / Math.max(x1 - x0, 1e-9)) * plotW;
  const py = (y: number) => top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const lines = series
    .map((s, i) => {
      const d = s.points.map((p, k) => `${k ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join('');
      const colour = COLOURS[i % COLOURS.length];
      return `<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/><text x="${width - 20}" y="${top + 14 * (i + 1)}" text-anchor="end" fill="${colour}">${escape(s.name)}</text>`;
    })
    .join('');
  const axes = `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#d9dde4"/><text x="${left - 6}" y="${top + 4}" text-anchor="end">${+y1.toPrecision(3)}</text><text x="${left - 6}" y="${top + plotH}" text-anchor="end">${+y0.toPrecision(3)}</text><text x="${left}" y="${height - 22}">${x0}</text><text x="${left + plotW}" y="${height - 22}" text-anchor="end">${x1}</text><text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="#5d6675">${escape(xLabel)}</text><text x="12" y="${top + plotH / 2}" fill="#5d6675" transform="rotate(-90 12 ${top + plotH / 2})" text-anchor="middle">${escape(yLabel)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/><text x="8" y="20" font-size="14" font-weight="bold">${escape(title)}</text>${axes}${lines}</svg>\n`;
}
