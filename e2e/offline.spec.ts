/**
 * Offline and private (issue 7): after one visit the page works with the network off — reload, open a
 * demo study, summarise; and every request made while loading, decoding and summarising goes to the
 * page's own origin.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync, writeFileSync } from 'node:fs';
import { openApp } from './helpers.ts';

test.use({ serviceWorkers: 'allow' });

async function summarise(page: Page): Promise<number> {
  await page.locator('.samples button').nth(1).click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('aria-label', /\d+\/\d+/);
  await expect(page.getByTestId('generate')).toBeEnabled({ timeout: 90_000 });
  await page.locator('input[type=number]').last().fill('12');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('tokens')).toHaveAttribute('data-status', 'done', { timeout: 110_000 });
  return page.locator('.token').count();
}

test('no egress: every request (page, worker, service worker) stays on the page’s origin', async ({ page, context, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests = new Set<string>();
  context.on('request', (r) => requests.add(r.url()));
  page.on('request', (r) => requests.add(r.url()));
  await openApp(page, '?backend=wasm');
  expect(await summarise(page)).toBeGreaterThan(0);
  const urls = [...requests];
  expect(urls.length).toBeGreaterThan(10);
  expect(urls.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
});

test('offline after the first visit: reload with the network off, open a demo study, summarise', async ({ page, context }) => {
  await openApp(page, '?backend=wasm');
  // The service worker has cached the whole build (one atomic addAll) and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 60_000 });
  expect(await summarise(page)).toBeGreaterThan(0);
  await page.screenshot({ path: 'test-results/screens/offline-summary.png' });
});

test('50 summaries in one page: worker tensors flat, page heap within 16 MB', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await summarise(page);
  const heap = () => page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize);
  const tensors = async () => Number(await page.getByTestId('tokens').getAttribute('data-tensors'));
  const run = async () => {
    await page.getByTestId('generate').click();
    await expect(page.getByTestId('tokens')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  };
  for (let i = 0; i < 4; i++) await run();
  const start = { tensors: await tensors(), heap: await heap() };
  for (let i = 0; i < 46; i++) await run();
  const end = { tensors: await tensors(), heap: await heap() };
  console.log(`50 summaries: worker tensors ${start.tensors} → ${end.tensors}; page JS heap ${(start.heap / 2 ** 20).toFixed(1)} → ${(end.heap / 2 ** 20).toFixed(1)} MiB`);
  expect(end.tensors).toBe(start.tensors);
  expect(end.heap - start.heap).toBeLessThan(16 * 2 ** 20);
});

test('the worker crashes: it restarts with the backend, model and study; image and text stay; summaries work', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await summarise(page);
  const text = await page.getByTestId('text').inputValue();
  // An uncaught error inside the worker, as a crash or an out-of-memory abort would raise.
  await page.workers()[0]!.evaluate(() => setTimeout(() => {
    throw new Error('simulated worker crash');
  }));
  await expect(page.getByTestId('restarts')).toHaveAttribute('data-restarts', '1', { timeout: 60_000 });
  await expect(page.getByTestId('text')).toHaveValue(text);
  await expect(page.getByTestId('viewer')).toHaveAttribute('aria-label', /\d+\/\d+/);
  await expect(page.getByTestId('generate')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('tokens')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  expect(await page.locator('.token').count()).toBeGreaterThan(0);
});

test('a new deployment: the page offers the update and reloads into it', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 60_000 }).toBe(true);
  // "Deploy" a new version: the service worker's bytes change (as they do when any file's content does).
  const sw = 'dist/sw.js';
  const original = readFileSync(sw, 'utf8');
  try {
    writeFileSync(sw, original.replace(/"version\\":\\"([0-9a-f]+)\\"/, '"version\\":\\"0000000000000000\\"'));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()));
    await expect(page.getByTestId('update')).toBeVisible({ timeout: 60_000 });
    await Promise.all([page.waitForEvent('load'), page.getByTestId('update').getByRole('button').click()]);
    await expect.poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 }).toEqual(['tuwen-0000000000000000']);
  } finally {
    writeFileSync(sw, original);
  }
});
