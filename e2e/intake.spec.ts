/** The foundation in a real browser: dropping DICOM, windowing, series, bad input, text that survives. */
import { expect, test } from '@playwright/test';
import { collectErrors, dropFiles, FIXTURES, fixtureFile, openApp, SCREENSHOTS, viewerPixels } from './helpers.ts';

test('CT_small opens in lung window; presets change the pixels; no uncaught errors', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  await dropFiles(page, [fixtureFile('dicom/CT_small.dcm')]);
  await expect(page.getByTestId('tags')).toContainText('128 × 128');
  await expect(page.getByTestId('preset-lung')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('viewer')).toHaveAttribute('aria-label', /CT/);
  // An image, not a blank canvas (cornerstone draws on the next animation frame).
  await expect.poll(async () => (await viewerPixels(page)).std).toBeGreaterThan(10);
  const lung = await viewerPixels(page);
  await page.screenshot({ path: `${SCREENSHOTS}ct-lung.png` });

  await page.getByTestId('preset-mediastinum').click();
  await expect(page.getByTestId('preset-mediastinum')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await viewerPixels(page)).mean).not.toBeCloseTo(lung.mean, 0);
  const mediastinum = await viewerPixels(page);
  await page.screenshot({ path: `${SCREENSHOTS}ct-mediastinum.png` });

  await page.getByTestId('preset-bone').click();
  await expect.poll(async () => (await viewerPixels(page)).mean).not.toBeCloseTo(mediastinum.mean, 0);

  // Mouse windowing: dragging right widens the window, so the preset is no longer active.
  const box = (await page.getByTestId('viewer').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 80, box.y + box.height / 2 + 30, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('preset-bone')).toHaveAttribute('aria-pressed', 'false');
  expect(errors).toEqual([]);
});

test('MR_truncated shows its specific error and the text stays; the page stays usable', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  const text = '右肺上叶见一结节影，直径约 12 mm，边缘可见毛刺。';
  await page.getByTestId('text').fill(text);
  await dropFiles(page, [fixtureFile('dicom/MR_truncated.dcm')]);
  const error = page.getByTestId('error');
  await expect(error).toBeVisible();
  await expect(error).toHaveAttribute('data-code', 'truncated-pixel-data');
  await expect(error).toContainText('像素数据不完整');
  await expect(page.getByTestId('text')).toHaveValue(text);
  await page.screenshot({ path: `${SCREENSHOTS}mr-truncated.png` });

  await dropFiles(page, [fixtureFile('dicom/MR_small.dcm')]);
  await expect(error).toBeHidden();
  await expect(page.getByTestId('tags')).toContainText('64 × 64');
  await expect(page.getByTestId('text')).toHaveValue(text);
  // The text survives a reload of the tab (session storage).
  await page.reload();
  await expect(page.getByTestId('text')).toHaveValue(text);
  expect(errors).toEqual([]);
});

test('bad input: each gets its own message and the worker survives all of them', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  const cases: [{ name: string; bytes: Buffer }[], string][] = [
    [[{ name: 'empty.dcm', bytes: Buffer.alloc(0) }], 'empty-file'],
    [[{ name: 'notes.txt', bytes: Buffer.from('患者咳嗽两周。'.repeat(30)) }], 'not-an-image'],
    [[fixtureFile('dicom/rtplan.dcm')], 'no-pixel-data'],
    [[fixtureFile('dicom/test-SR.dcm')], 'no-pixel-data'],
    [[fixtureFile('generated/series_ct_1.dcm'), fixtureFile('dicom/MR_small.dcm')], 'series-mismatch'],
    [[{ name: 'half.png', bytes: fixtureFile('generated/grey_gradient.png').bytes.subarray(0, 60) }], 'decode-failed'],
  ];
  for (const [files, code] of cases) {
    await dropFiles(page, files);
    await expect(page.getByTestId('error')).toHaveAttribute('data-code', code);
  }
  await page.screenshot({ path: `${SCREENSHOTS}series-mismatch.png` });
  await dropFiles(page, [fixtureFile('dicom/MR_small_jpeg_ls_lossless.dcm')]);
  await expect(page.getByTestId('error')).toBeHidden();
  await expect(page.getByTestId('tags')).toContainText('JPEG-LS');
  expect(errors).toEqual([]);
});

test('a series of three files: ordered by position, scrollable, with spacing', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await dropFiles(page, ['series_ct_2.dcm', 'series_ct_1.dcm', 'series_ct_3.dcm'].map((f) => fixtureFile(`generated/${f}`)));
  await expect(page.getByTestId('tags')).toContainText('2.5 mm');
  await expect(page.getByTestId('slice-slider')).toHaveValue('1');
  await page.getByTestId('viewer').focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('slice-slider')).toHaveValue('2');
  await page.getByTestId('viewer').hover();
  await page.mouse.wheel(0, -120);
  await expect(page.getByTestId('slice-slider')).toHaveValue('1');
});

test('every codec decodes in the browser worker', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  const files: [string, string][] = [
    ['dicom/693_J2KI.dcm', '512 × 512'],
    ['dicom/JPGExtended.dcm', '256 × 1024'],
    ['dicom/MR_small_RLE.dcm', '64 × 64'],
    ['dicom/MR_small_bigendian.dcm', '64 × 64'],
    ['dicom/SC_rgb_rle.dcm', '100 × 100'],
    ['generated/MR_small_deflate.dcm', '64 × 64'],
    ['generated/MR_small_jpeg_lossless_sv1.dcm', '64 × 64'],
    ['generated/CT_small_jpeg_baseline.dcm', '128 × 128'],
    ['generated/colour_gradient.png', '48 × 32'],
    ['generated/grey_gradient.jpg', '48 × 32'],
  ];
  for (const [path, size] of files) {
    await dropFiles(page, [fixtureFile(path)]);
    await expect(page.getByTestId('tags')).toContainText(path.split('/')[1]!);
    await expect(page.getByTestId('tags')).toContainText(size);
    expect((await viewerPixels(page)).std, path).toBeGreaterThan(1);
  }
  await page.screenshot({ path: `${SCREENSHOTS}rgb.png` });
  expect(errors).toEqual([]);
});

test('patient details are hidden unless asked; the UI speaks English too', async ({ page }) => {
  await openApp(page, '?backend=wasm');
  await dropFiles(page, [fixtureFile('dicom/CT_small.dcm')]);
  const tags = page.getByTestId('tags');
  await expect(tags).toContainText('128 × 128');
  await expect(tags.locator('.patient')).toHaveCount(0);
  await page.getByTestId('toggle-patient').click();
  await expect(tags.locator('.patient')).toHaveCount(4);
  await page.getByTestId('lang').click();
  await expect(page.getByTestId('preset-lung')).toHaveText('Lung');
  await expect(tags).toContainText('Modality');
  await page.screenshot({ path: `${SCREENSHOTS}english.png` });
});

test('the file picker opens a series; a file over the limit is refused before it is read', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  await page.getByTestId('file-input').setInputFiles(['series_ct_1.dcm', 'series_ct_2.dcm', 'series_ct_3.dcm'].map((f) => `${FIXTURES}generated/${f}`));
  await expect(page.getByTestId('slice-slider')).toHaveAttribute('max', '2');
  await page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(512 * 1024 * 1024 + 1)], 'huge.dcm'));
    document.querySelector('[data-testid=dropzone]')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'file-too-large');
  await expect(page.getByTestId('error')).toContainText('huge.dcm');
  // The series opened before is still there.
  await expect(page.getByTestId('slice-slider')).toHaveAttribute('max', '2');
  expect(errors).toEqual([]);
});

test('usable on a narrow screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, '?backend=wasm');
  await dropFiles(page, [fixtureFile('dicom/CT_small.dcm')]);
  await expect(page.getByTestId('preset-lung')).toBeInViewport();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390); // no horizontal scrolling
  await page.screenshot({ path: `${SCREENSHOTS}narrow.png`, fullPage: true });
});

test('demo studies are one click away; the typed text can be restored', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  await page.getByTestId('text').fill('我自己的文本');
  const samples = page.locator('.samples button');
  await expect(samples).toHaveCount(7);
  await samples.nth(1).click();
  await expect(page.getByTestId('tags')).toContainText('128 × 128');
  await expect(page.getByTestId('tags')).toContainText('CT');
  await expect(page.getByTestId('text')).toHaveValue(/主诉：/);
  await expect(page.getByTestId('slice-slider')).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}demo-study.png` });
  await samples.nth(3).click();
  await expect(samples.nth(3)).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('restore-text').click();
  await expect(page.getByTestId('text')).toHaveValue('我自己的文本');
  expect(errors).toEqual([]);
});
