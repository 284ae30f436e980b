/** Attendees on phones and readers of the published deck (issue: light, offline, accessible, printable). */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { openDeck } from './deck.ts';

test("a slide near the start shows a QR code that decodes to the deck's follow link, and the address in text", async ({
  page,
  baseURL,
}) => {
  // The address the site was built for (SITE_URL and BASE_PATH), or without SITE_URL the one it is served from;
  // once the deck has joined its room (this build has a relay), the link asks phones to follow that room.
  const configured = process.env.SITE_URL ? new URL(process.env.BASE_PATH ?? '/', process.env.SITE_URL).href : new URL('/', baseURL).href;
  await openDeck(page, '/#/follow-along');
  const ids = await page.$$eval('.reveal .slides section[id]', (s) => s.map((e) => e.id));
  expect(ids.indexOf('follow-along')).toBeLessThan(3);
  const figure = page.locator('section#follow-along figure.qr');
  await expect(figure).toHaveAttribute('data-follow', /\?follow=[A-Za-z0-9_-]{16}$/, { timeout: 20_000 });
  const follow = (await figure.getAttribute('data-follow'))!;
  expect(follow.startsWith(`${configured}?follow=`)).toBe(true);
  const qr = figure.locator('svg');
  await expect(qr).toHaveAttribute('aria-label', `QR code of the deck's address, ${follow}`);
  const png = PNG.sync.read(await qr.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code?.data).toBe(follow);
  await expect(page.locator('section#follow-along figcaption a')).toHaveText(follow);
});

test('the slide number shows where the deck is and the id to type', async ({ page }) => {
  await openDeck(page, '/#/vocabulary');
  await expect(page.locator('.reveal .slide-number')).toContainText('#/vocabulary');
  await expect(page.locator('.reveal .slide-number')).toHaveText(/^\s*#\/vocabulary · \d+\s*\/\s*\d+\s*$/);
});

test('after one visit the deck, its demos and the MNIST the live slides loaded work with the network off', async ({ page, context }) => {
  await openDeck(page, '/#/explore-the-data');
  await expect(page.locator('#explore-the-data figure[data-demo="mnist-explore"]')).toHaveAttribute('data-state', 'ready', {
    timeout: 20_000,
  });
  // The service worker has installed and precached the deck.
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    if (!registration.active) throw new Error('no active service worker');
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await expect(page.locator('#explore-the-data figure[data-demo="mnist-explore"]')).toHaveAttribute('data-state', 'ready', {
    timeout: 20_000,
  });
  expect((await page.locator('#explore-the-data figure[data-demo="mnist-explore"] .mnist-label').allTextContents()).slice(0, 5)).toEqual([
    '5',
    '0',
    '4',
    '1',
    '9',
  ]);
  // A demo whose code was never fetched online comes from the precache.
  await page.evaluate(() => (location.hash = '#/sgd-two-parameters'));
  await expect(page.locator('figure[data-demo="gradient-descent-2d"]')).toHaveAttribute('data-demo-state', 'ready');
  await expect(page.locator('figure[data-demo="gradient-descent-2d"] .gd-contours path').first()).toBeAttached();
  // KaTeX's fonts too.
  await page.evaluate(() => (location.hash = '#/update-rule'));
  expect(
    await page.evaluate(
      async () => (await document.fonts.ready, [...document.fonts].some((f) => f.family.includes('KaTeX') && f.status === 'loaded')),
    ),
  ).toBe(true);
  await context.setOffline(false);
});

test('a content security policy forbids other origins and unhashed inline scripts, and nothing in the deck breaks it', async ({
  page,
  context,
}) => {
  test.setTimeout(150_000);
  await page.addInitScript(() => {
    (window as unknown as { violations: string[] }).violations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { violations: string[] }).violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await openDeck(page, '/?train-size=128&test-size=200&epochs=1');
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(policy).toContain("default-src 'self'");
  expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[\w+/=]+';/);
  expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  // An inline script that is not hashed does not run.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.injected = true';
    document.body.append(s);
    return (window as unknown as { injected?: boolean }).injected === true;
  });
  expect(ran).toBe(false);
  await page.evaluate(() => ((window as unknown as { violations: string[] }).violations.length = 0));
  // The live slide training on WebGPU, and the speaker view (the walk (walk.spec.ts) checks every slide at rest).
  await page.evaluate(() => (location.hash = '#/live-training'));
  const live = page.locator('figure[data-demo="mnist-training"]');
  await expect(live).toHaveAttribute('data-demo-state', 'ready');
  await page.keyboard.press('t');
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const [speaker] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('s')]);
  await expect(speaker.locator('.speaker-controls-time .clock-value')).not.toHaveText('0:00 AM', { timeout: 10_000 });
  expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([]);
});

test('?print-pdf&showNotes=separate-page puts the speaker notes on their own pages, and every demo prints a still frame', async ({
  page,
}) => {
  await page.emulateMedia({ media: 'print' });
  await openDeck(page, '/?print-pdf&showNotes=separate-page');
  const slides = await page.locator('.reveal .slides section[id]').count();
  await expect(page.locator('.pdf-page')).toHaveCount(slides);
  const notes = page.locator('.speaker-notes-pdf[data-layout="separate-page"]');
  await expect(notes).toHaveCount(slides);
  await expect(notes.first()).toContainText(/Welcome/);
  const pdf = await page.pdf({ width: '1280px', height: '720px', printBackground: true, preferCSSPageSize: true });
  // A long note may take more than one page.
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThanOrEqual(2 * slides);
  // The last page printed ends the document: no blank page after the last notes.
  const last = await page.evaluate(() => {
    const el = document.querySelector('.reveal .slides')!.lastElementChild!;
    return { what: el.className, breakAfter: getComputedStyle(el).breakAfter };
  });
  expect(last.breakAfter, last.what).not.toBe('page');
  const demos = page.locator('figure.demo');
  const n = await demos.count();
  expect(n).toBeGreaterThanOrEqual(8);
  for (let i = 0; i < n; i++) {
    const demo = demos.nth(i);
    await expect(demo).toHaveAttribute('data-demo-state', 'ready', { timeout: 20_000 });
    const drawn = await demo.locator('.demo-stage').evaluate((stage) => {
      const box = stage.getBoundingClientRect();
      // Drawn marks, or a poll's options as a list.
      const marks = stage.querySelectorAll('svg *, canvas, button, li').length;
      return { area: box.width * box.height, marks };
    });
    expect(drawn.area, `demo ${await demo.getAttribute('data-demo')}`).toBeGreaterThan(20_000);
    expect(drawn.marks, `demo ${await demo.getAttribute('data-demo')}`).toBeGreaterThan(5);
  }
  await expect(page.locator('#explore-the-data figure[data-demo="mnist-explore"] .mnist-label').first()).toBeAttached({ timeout: 20_000 });
});

test('keyboard alone reaches every control of a demo', async ({ page }) => {
  await openDeck(page, '/#/sgd-two-parameters');
  await expect(page.locator('figure[data-demo="gradient-descent-2d"]')).toHaveAttribute('data-demo-state', 'ready');
  const controls = await page.locator('section#sgd-two-parameters button, section#sgd-two-parameters input').count();
  const reached = new Set<string>();
  for (let i = 0; i < controls + 10; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.closest('section#sgd-two-parameters') ? `${el.tagName}:${el.textContent ?? ''}:${el.getAttribute('type') ?? ''}` : '';
    });
    if (label) reached.add(label);
  }
  expect(reached.size).toBe(controls);
  // Enter on a focused button acts on the figure.
  await page.locator('section#sgd-two-parameters').getByRole('button', { name: 'Step', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('figure[data-demo="gradient-descent-2d"]')).toHaveAttribute('data-step', '1');
});
