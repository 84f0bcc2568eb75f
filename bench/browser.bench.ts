/**
 * Summaries in headless Chromium on the wasm backend (the production build, each bundled model chosen in
 * the page, the demo studies): time to first token, per-token median, whole summary, and per-token time
 * over its FLOP limit — FLOPs of one decoding step divided by the matMul throughput measured on the same
 * backend. Then the page's default decoding (beam 3, with balanced brackets for the retrieval model) on the
 * same studies: whole summary, and its ratio to greedy's. Both keep item numbers in sequence and, for the
 * retrieval model, write an item per salient sentence and weigh lobes the text omits by the pointing head
 * (the page's defaults).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { decoderStepFlops } from '../src/inference/models/fusionDecoder.ts';
import { generatorFlops } from '../src/inference/models/generator.ts';
import type { GenerativeModelConfig } from '../src/inference/generativeSummarizer.ts';
import type { ModelConfig } from '../src/inference/summarizer.ts';
import { MODELS } from '../src/ui/models.ts';
import { median } from './stats.ts';

const PORT = 4188;

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

export async function browserBench(): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`\nBrowser summaries: skipped (no Chromium at ${CHROMIUM_PATH})`);
    return;
  }
  if (!existsSync('dist/index.html')) spawnSync('npx', ['vite', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  const server = spawn('npx', ['vite', 'preview', '--base', '/tuwen/', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore', detached: true });
  const base = `http://127.0.0.1:${PORT}/tuwen/`;
  const runs = Number(process.env.TUWEN_BENCH_SUMMARIES ?? 3);
  try {
    await waitForServer(base);
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${base}?backend=wasm`);
    for (const model of MODELS) {
      const config = JSON.parse(readFileSync(`public/${model.path}config.json`, 'utf8')) as ModelConfig | GenerativeModelConfig;
      // FLOPs of one decoding step over a context of n tokens (the generative model's averaged over a 60-token summary).
      const stepFlops = (n: number) => (config.kind === 'generative' ? (generatorFlops(config.generator, n, 60) - generatorFlops(config.generator, n, 0)) / 60 : decoderStepFlops(config.decoder, config.decoder.regions, n));
      await page.getByTestId('model-select').selectOption(model.id);
      const samples = page.locator('.samples button');
      const first: number[] = [];
      const perToken: number[] = [];
      const meanToken: number[] = [];
      const whole: number[] = [];
      const ratios: number[] = [];
      const wholeBeam: number[] = [];
      let gflops = 0;
      // Generates with the decoding chosen in the page; returns its timings line's values.
      const summarize = async (decoding: 'greedy' | 'beam') => {
        await page.getByTestId('decoding').selectOption(decoding);
        await page.getByTestId('generate').click();
        await page.waitForSelector('[data-testid=tokens][data-status=done]', { timeout: 120_000 });
        return page.getByTestId('timings').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
      };
      for (let i = 0; i < runs; i++) {
        await samples.nth(1 + (i % 6)).click();
        await page.getByTestId('generate').waitFor();
        await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=generate]')?.disabled, undefined, { timeout: 120_000 });
        const beam = await summarize('beam');
        wholeBeam.push(Number(beam.encode) + Number(beam.retrieve) + Number(beam.decode));
        const t = await summarize('greedy');
        gflops = Number(await page.getByTestId('gflops').getAttribute('data-gflops'));
        const ms = (await page.locator('.token').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-ms'))))) as number[];
        const steps = ms.map((m, k) => m - (k ? ms[k - 1]! : 0));
        const step = median(steps.slice(1)); // the first step includes the context's set-up
        first.push(Number(t.first));
        perToken.push(step);
        meanToken.push(Number(t.decode) / Number(t.tokens));
        whole.push(Number(t.encode) + Number(t.retrieve) + Number(t.decode));
        ratios.push(step / (stepFlops(Number(t.context)) / (gflops * 1e6)));
      }
      console.log(`\nSummaries in headless Chromium (wasm), model ${model.id}, ${runs} demo studies, greedy; matMul ${gflops.toFixed(1)} GFLOP/s`);
      console.log(`  time to first token: median ${median(first).toFixed(0)} ms`);
      console.log(`  per token: median ${median(perToken).toFixed(2)} ms (mean over a summary, incl. the first step: ${median(meanToken).toFixed(2)} ms); whole summary: median ${median(whole).toFixed(0)} ms`);
      console.log(`  per-token time / FLOP limit (step FLOPs ÷ measured matMul throughput): median ${median(ratios).toFixed(1)}×`);
      console.log(`  the page's default, beam 3${config.kind === 'retrieval' ? ' with balanced brackets' : ''}, items in sequence${config.kind === 'retrieval' ? ', an item per salient sentence, lobes weighed by pointing' : ''}: whole summary median ${median(wholeBeam).toFixed(0)} ms, × ${(median(wholeBeam) / median(whole)).toFixed(2)} of greedy's`);
    }
    await browser.close();
  } finally {
    process.kill(-server.pid!);
  }
}
