/**
 * Cross-origin isolation (issue: every core). The deck's own server sends the
 * isolation headers; behind a plain static host, the service worker adds them
 * from the second load on: after exactly one reload of its own if nobody has
 * touched the page by the time the worker is active, or else from the next
 * load, so that the reload never throws away what the reader did (issue:
 * every screen shows the lecture as it is).
 */
import { readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
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
  // The threaded WebAssembly build, as the build wrote it (no slide fetches it until someone trains).
  const wasm = readdirSync('dist/_astro').filter((name) => name.endsWith('.wasm'));
  expect(wasm.length, 'the build writes the WebAssembly backends').toBeGreaterThanOrEqual(3);
  for (const name of wasm) expect((await request.get(`/_astro/${name}`)).headers(), name).toMatchObject(ISOLATION);
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
    // The reload may come while the page is being asked: a question the navigation cut short is asked again.
    await expect.poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 30_000 }).toBe(true);
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    expect(navigations).toBe(2);
    expect(await page.evaluate(() => location.hash)).toBe('#/live-training');
    // It stays: once isolated, the page decides so and never reloads again.
    await expect(page.locator('html[data-isolation="isolated"]')).toHaveCount(1);
    expect(navigations).toBe(2);
    // A reload that bypasses the service worker falls back to one thread, works, and does not reload again.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await page.reload();
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    // The page has decided to stay as it is (it reloaded once already in this tab), and has not reloaded.
    await expect(page.locator('html[data-isolation="stays"]')).toHaveCount(1);
    expect(navigations).toBe(3);
    await expect(page.locator('figure[data-demo="mnist-training"]')).toHaveAttribute('data-state', 'idle');
  } finally {
    await context.close();
  }
});

/** Whether the page is cross-origin isolated, and whether a service worker answers it. */
const isolation = (page: Page) =>
  page.evaluate(() => ({ isolated: crossOriginIsolated, controlled: navigator.serviceWorker.controller !== null }));

/** Whether the deck's service worker is active (it may be, and still not control this page: it never claims one). */
const activeWorker = (page: Page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.active != null);

test('behind a static host that sends no headers, a page the reader has acted on is not reloaded under them: the next load is isolated', async ({
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
    await page.goto(`${origin}/#/change-of-coordinates`);
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    const figure = page.locator('figure[data-demo="change-of-coordinates"]');
    await expect(figure).toHaveAttribute('data-turned', 'false');
    // The worker registers only seconds after the first slide has settled (src/deck/offline.ts): none is active yet.
    expect(await activeWorker(page), 'the click must come before the service worker is active').toBe(false);
    // Something only this document holds: a reload would lose it, as it would lose the turned axes.
    await page.evaluate(() => ((window as unknown as { firstLoad?: boolean }).firstLoad = true));
    await figure.getByRole('button', { name: 'Change coordinates' }).click();
    await expect(figure).toHaveAttribute('data-turned', 'true');
    // The page leaves isolation to the next load, and the worker becomes active all the same.
    await expect(page.locator('html[data-isolation="next-load"]')).toHaveCount(1, { timeout: 30_000 });
    await expect.poll(() => activeWorker(page), { timeout: 30_000 }).toBe(true);
    // A reload would have begun by now: it follows the worker's ready at once. None did: the same document, as the reader left it.
    await page.evaluate(() => navigator.serviceWorker.ready);
    expect(await page.evaluate(() => (window as unknown as { firstLoad?: boolean }).firstLoad)).toBe(true);
    await expect(figure).toHaveAttribute('data-turned', 'true');
    await expect(page.locator('html[data-isolation="next-load"]')).toHaveCount(1);
    expect(await page.evaluate(() => location.hash)).toBe('#/change-of-coordinates');
    expect(navigations).toBe(1);
    // Not isolated, and not taken over: the live slide would train on one thread until the next load.
    expect(await isolation(page)).toEqual({ isolated: false, controlled: false });
    // The next navigation (here the reader reloads) is answered by the worker, isolated, and stays so.
    await page.reload();
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    expect(await isolation(page)).toEqual({ isolated: true, controlled: true });
    await expect(page.locator('html[data-isolation="isolated"]')).toHaveCount(1, { timeout: 30_000 });
    expect(navigations).toBe(2);
    // So is another tab of the deck, from its first load.
    const other = await context.newPage();
    await other.goto(`${origin}/#/live-training`);
    await expect(other.locator('.reveal.ready')).toHaveCount(1);
    expect(await isolation(other)).toEqual({ isolated: true, controlled: true });
  } finally {
    await context.close();
  }
});
