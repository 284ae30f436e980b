/**
 * Cross-origin isolation (issue: every core). The deck's own server sends the
 * isolation headers; behind a plain static host, the service worker adds them
 * from the second load on, after exactly one reload of its own.
 */
import { expect, test } from '@playwright/test';
import { openDeck } from './deck.ts';

/** scripts/serve.ts with --no-isolation, started by playwright.config.ts beside the deck's own server. */
const plainOrigin = (baseURL: string | undefined) => {
  const url = new URL(baseURL ?? 'http://localhost:4322');
  url.port = String(Number(url.port) + 2);
  return url.origin;
};

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

test("the deck's server sends the isolation headers on the page, its scripts, the wasm and the MNIST shards, and the page is isolated", async ({
  page,
  request,
}) => {
  const responses = new Map<string, Record<string, string>>();
  page.on('response', (r) => responses.set(new URL(r.url()).pathname, r.headers()));
  await openDeck(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const page0 = responses.get('/');
  expect(page0).toMatchObject(ISOLATION);
  const script = [...responses.keys()].find((p) => p.startsWith('/_astro/') && p.endsWith('.js'));
  expect(script, 'a script of the deck').toBeDefined();
  expect(responses.get(script!)).toMatchObject(ISOLATION);
  // Files the live slide fetches later: the threaded wasm build and a shard.
  const manifest = (await (await request.get('/mnist/manifest.json')).json()) as { shards: { file: string }[] };
  for (const path of ['/mnist/manifest.json', `/mnist/${manifest.shards[0]!.file}`]) {
    expect((await request.get(path)).headers(), path).toMatchObject(ISOLATION);
  }
  const wasm = (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).find((n) => n.endsWith('.wasm'));
  if (wasm) expect((await request.get(wasm)).headers()).toMatchObject(ISOLATION);
});

test('behind a static host that sends no headers, the service worker isolates the deck after one reload of its own, and never loops', async ({
  browser,
  baseURL,
}) => {
  const origin = plainOrigin(baseURL);
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    const page = await context.newPage();
    // Document loads, not hash changes.
    let navigations = 0;
    page.on('load', () => navigations++);
    const first = await page.request.get(`${origin}/`);
    expect(first.headers()['cross-origin-opener-policy']).toBeUndefined();
    await page.goto(`${origin}/#/live-training`);
    // The first load is not isolated; once the worker is active the page reloads by itself, isolated.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated), { timeout: 30_000 }).toBe(true);
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    expect(navigations).toBe(2);
    expect(await page.evaluate(() => location.hash)).toBe('#/live-training');
    // It stays: no further reload.
    await page.waitForTimeout(2000);
    expect(navigations).toBe(2);
    // A reload that bypasses the service worker falls back to one thread, works, and does not reload again.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await page.reload();
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await page.waitForTimeout(2000);
    expect(navigations).toBe(3);
    await expect(page.locator('figure[data-demo="mnist-training"]')).toHaveAttribute('data-state', 'idle');
  } finally {
    await context.close();
  }
});
