/**
 * End-to-end tests: Debian's Chromium (never a downloaded browser) against the production build, served
 * under a sub-path to prove the relative base works. See scripts/e2e.sh for how Chromium is found.
 */
import { defineConfig } from '@playwright/test';

const port = Number(process.env.TUWEN_E2E_PORT ?? 4179);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--enable-unsafe-webgpu',
];

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
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
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
