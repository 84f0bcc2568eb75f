/** tfjs in the worker: WebGPU (SwiftShader here) and wasm run the same small computation and agree. */
import { expect, test, type Page } from '@playwright/test';
import { openApp } from './helpers.ts';

async function selfTestOn(page: Page, backend: 'webgpu' | 'wasm'): Promise<number[]> {
  await openApp(page, `?backend=${backend}`);
  // The worker reports tf.getBackend() after initialising; a silent fallback would show another name.
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', backend);
  const values = await page.getByTestId('selftest').getAttribute('data-values');
  return JSON.parse(values!) as number[];
}

test('WebGPU and wasm give the same result in the worker', async ({ page }) => {
  const webgpu = await selfTestOn(page, 'webgpu');
  const wasm = await selfTestOn(page, 'wasm');
  expect(webgpu).toHaveLength(16);
  webgpu.forEach((v, i) => expect(v).toBeCloseTo(wasm[i]!, 5));
  // Rows of a softmax sum to 1.
  for (let r = 0; r < 4; r++) expect(wasm.slice(4 * r, 4 * r + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
});

test('by default a software WebGPU adapter is passed over for wasm, and the status line says why; asked for, it is used', async ({ page }) => {
  await openApp(page, '');
  const fallbackAdapter = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return Boolean((adapter?.info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
  });
  if (fallbackAdapter) {
    await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm');
    await expect(page.getByTestId('status')).toContainText('only a software WebGPU adapter');
  } else await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');
  await openApp(page, '?backend=webgpu');
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'webgpu');
});
