/**
 * Browser tests run against the built site (dist/), served by scripts/serve.ts,
 * in a real Chromium found by scripts/chromium.ts. `npm test` builds first.
 */
import { defineConfig, devices } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/chromium.ts';

const port = Number(process.env.E2E_PORT ?? 4322);
const executablePath = findChromium();
/** Where `npm run build:base` publishes the deck. */
const BASE = '/intro-to-deep-learning/';

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  // No retries: a flaky test is a bug to find. The one that was retried (presenter.spec's search) was a race in
  // src/deck/plugins.ts, now fixed and pinned by tests/unit/plugins.test.ts.
  retries: 0,
  timeout: 60_000,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath, args: chromiumArgs() },
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: /base-path\.spec\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 720 },
        launchOptions: { executablePath, args: chromiumArgs() },
      },
    },
    {
      // The same deck built for publishing under a folder (npm run build:base).
      name: 'base-path',
      testMatch: /base-path\.spec\.ts/,
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1280, height: 720 },
        baseURL: `http://localhost:${port + 1}${BASE}`,
        launchOptions: { executablePath, args: chromiumArgs() },
      },
    },
  ],
  webServer: [
    {
      command: `node scripts/serve.ts --port ${port}`,
      url: `http://localhost:${port}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
    },
    {
      command: `node scripts/serve.ts --port ${port + 1} --dir dist-base --base ${BASE}`,
      url: `http://localhost:${port + 1}${BASE}`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
    },
    {
      // A plain static host (no isolation headers): only the service worker can isolate the deck.
      command: `node scripts/serve.ts --port ${port + 2} --no-isolation`,
      url: `http://localhost:${port + 2}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
    },
  ],
});
