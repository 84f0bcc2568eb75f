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
