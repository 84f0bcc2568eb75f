/**
 * A sample of the intake fuzz cases through the page (issue 7): each mutated file either opens or shows
 * its error; no uncaught error on the page or in the worker; afterwards a good file still opens.
 */
import { expect, test } from '@playwright/test';
import { Random } from '../src/corpus/random.ts';
import { MUTATIONS } from '../test/fuzz/mutations.ts';
import { collectErrors, dropFiles, fixtureFile, openApp } from './helpers.ts';

const SOURCES = ['dicom/CT_small.dcm', 'dicom/MR_small.dcm', 'dicom/MR_small_RLE.dcm', 'dicom/MR_small_jpeg_ls_lossless.dcm', 'dicom/MR_small_jp2klossless.dcm', 'generated/grey_gradient.png', 'generated/grey_gradient.jpg'];

test('40 fuzzed files in the page: each opens or is refused cleanly; the page and worker survive', async ({ page }) => {
  const errors = collectErrors(page);
  await openApp(page, '?backend=wasm');
  const rand = new Random(7);
  const kinds = Object.keys(MUTATIONS);
  const outcome = { opened: 0, refused: 0 };
  for (let i = 0; i < 40; i++) {
    const source = fixtureFile(SOURCES[i % SOURCES.length]!);
    const name = `fuzz-${i}-${source.name}`;
    const bytes = Buffer.from(MUTATIONS[kinds[i % kinds.length]!]!(rand, new Uint8Array(source.bytes)));
    const key = Number(await page.getByTestId('viewer').getAttribute('data-study-key'));
    await dropFiles(page, [{ name, bytes }]);
    // Done when an error names this file, or a new study is on the viewer.
    const refused = async () => (await page.getByTestId('error').isVisible()) && ((await page.getByTestId('error').textContent()) ?? '').includes(name);
    const opened = async () => Number(await page.getByTestId('viewer').getAttribute('data-study-key')) > key;
    await expect.poll(async () => (await refused()) || (await opened()), { timeout: 30_000 }).toBe(true);
    if (await opened()) outcome.opened++;
    else outcome.refused++;
  }
  console.log(`page fuzzing: 40 cases, ${outcome.opened} opened, ${outcome.refused} refused with a message`);
  await dropFiles(page, [fixtureFile('dicom/MR_small.dcm')]);
  await expect(page.getByTestId('error')).toBeHidden();
  await expect(page.getByTestId('tags')).toContainText('64 × 64');
  expect(errors).toEqual([]);
});
