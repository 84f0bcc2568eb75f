/**
 * End-to-end tests: Debian's Chromium (never a downloaded browser) against the production build, served
 * under a sub-path to prove the relative base works. See scripts/e2e.sh for how Chromium is found.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium.ts';

const port = Number(process.env.TUWEN_E2E_PORT ?? 4179);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}/tuwen/`,
    viewport: { width: 1280, height: 720 },
    // The service worker would answer from its cache and hide routed or missing files; offline.spec.ts allows it.
    serviceWorkers: 'block',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  webServer: {
    command: `npx vite preview --base /tuwen/ --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}/tuwen/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
