/** What the page exports: the summary with every token's β and attention as JSON, and a PNG of image + heatmap + summary. */
import type { SummaryState } from '../store.ts';

export interface SummaryExport {
  summary: string;
  text: string;
  /** The tokens `textWeights` weigh: the text's, then a sentence per finding read from the image (`imaged`). */
  inputTokens: string[];
  /** Findings the text leaves out that the summary writes from the image. */
  imaged: NonNullable<SummaryState['imaged']>;
  settings: SummaryState['settings'];
  regionShape: SummaryState['regionShape'];
  passages: { id: string; score: number; text: string; inContext: boolean }[];
  tokens: { index: number; token: string; beta: number | null; visualAttention: number[]; readingAttention?: number[]; passageWeights: number[][]; textWeights: number[]; sentenceWeights?: number[] }[];
  model: string;
  createdAt: string;
}

export function summaryJson(s: SummaryState, model: string, now = new Date()): SummaryExport {
  return {
    summary: s.summary ?? s.tokens.map((t) => t.text.replace(/^##/, '')).join(''),
    text: s.text ?? '',
    inputTokens: s.inputTokens,
    imaged: s.imaged ?? [],
    settings: s.settings,
    regionShape: s.regionShape,
    passages: s.passages.map((p) => ({ id: p.id, score: p.score, text: p.text, inContext: p.tokens !== undefined })),
    tokens: s.tokens.map((t, index) => ({ index, token: t.text, beta: t.beta, visualAttention: Array.from(t.visual), ...(t.reading ? { readingAttention: Array.from(t.reading) } : {}), passageWeights: t.passageWeights.map((w) => Array.from(w)), textWeights: Array.from(t.textWeights), ...(t.sentenceWeights ? { sentenceWeights: Array.from(t.sentenceWeights) } : {}) })),
    model,
    createdAt: now.toISOString(),
  };
}

/** Starts a download of a Blob under a file name. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The viewer's canvas (image and heatmap as drawn) above the summary text, as one PNG. */
export async function summaryPng(viewerCanvas: HTMLCanvasElement, summary: string, caption: string): Promise<Blob> {
  const width = viewerCanvas.width;
  const lineHeight = 28;
  const chars = Math.max(8, Math.floor((width - 32) / 20));
  const lines = [caption, ...(summary.match(new RegExp(`.{1,${chars}}`, 'gu')) ?? [''])];
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = viewerCanvas.height + 16 + lines.length * lineHeight;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(viewerCanvas, 0, 0);
  ctx.fillStyle = '#1d2430';
  ctx.font = '20px system-ui, sans-serif';
  lines.forEach((line, i) => ctx.fillText(line, 16, viewerCanvas.height + 8 + (i + 1) * lineHeight - 6));
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}
