/** Shared end-to-end helpers: dropping fixture files on the page, reading the viewer's pixels, collecting errors. */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

export const FIXTURES = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
export const SCREENSHOTS = fileURLToPath(new URL('../test-results/screens/', import.meta.url));
/** The README's screenshots: written by the end-to-end run when TUWEN_README_SHOTS=1 (then checked in). */
export const README_SHOTS = process.env.TUWEN_README_SHOTS === '1' ? fileURLToPath(new URL('../docs/screenshots/', import.meta.url)) : undefined;

/** Drops files on the drop zone the way a browser does: a drop event carrying a DataTransfer. */
export async function dropFiles(page: Page, files: { name: string; bytes: Buffer }[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.b64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name));
    }
    const zone = document.querySelector('[data-testid=dropzone]')!;
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

export function fixtureFile(path: string): { name: string; bytes: Buffer } {
  return { name: basename(path), bytes: readFileSync(FIXTURES + path) };
}

/** Mean and standard deviation of the grey level cornerstone drew on the viewer's canvas. */
export async function viewerPixels(page: Page): Promise<{ mean: number; std: number; width: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid=viewer] canvas')!;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    let sq = 0;
    const n = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i]!;
      sq += data[i]! * data[i]!;
    }
    const mean = sum / n;
    return { mean, std: Math.sqrt(sq / n - mean * mean), width: canvas.width };
  });
}

/** Uncaught exceptions and console errors from the page and its workers, to assert there are none. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('worker', (worker) => worker.on('console', (msg) => msg.type() === 'error' && errors.push(`worker: ${msg.text()}`)));
  return errors;
}

/** Opens the app and waits until the worker has started a backend. */
export async function openApp(page: Page, query = ''): Promise<void> {
  await page.goto(query);
  await expect(page.getByTestId('backend')).not.toHaveAttribute('data-backend', '', { timeout: 60_000 });
}
