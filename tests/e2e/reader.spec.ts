/**
 * The reader's edition (read/): the lecture as a page to read later, with
 * every slide and its notes, live demos, deep links both ways, a light first
 * load, offline after one visit, a printable handout, and accessible.
 */
import { expect, test } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { allSlideIds, currentSlideId, openDeck } from './deck.ts';

test.describe.configure({ timeout: 120_000 });

test('every slide of the deck is in the reader, in deck order, as an anchor, with its notes', async ({ page }) => {
  await openDeck(page);
  const deckIds = await allSlideIds(page);
  const notes = await page.$$eval('.reveal .slides section[id]', (s) =>
    s.map((e) => (e.querySelector(':scope > aside.notes')?.textContent ?? '').replace(/\s+/g, ' ').trim()),
  );
  await page.goto('/read/');
  const readerIds = await page.$$eval('article.read-slide', (a) => a.map((e) => e.id));
  expect(readerIds).toEqual(deckIds);
  const readerNotes = await page.$$eval('article.read-slide .read-notes', (n) =>
    n.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
  );
  readerIds.forEach((id, i) => {
    // The deck's notes of a part's first slide also carry the part's name and time, which the reader shows as a heading.
    expect(notes[i], `#${id}`).toContain(readerNotes[i]!.slice(0, 200));
    expect(readerNotes[i]!.length, `#${id}`).toBeGreaterThan(200);
  });
  // The parts are headings, and the table of contents links every slide.
  expect(await page.locator('main h2').count()).toBeGreaterThanOrEqual(14);
  expect(await page.locator('nav.read-toc a[href^="#"]').count()).toBeGreaterThanOrEqual(deckIds.length);
});

test('deep links work both ways: read/#id opens at that slide, its link opens the deck there, and E in the deck opens the reader there', async ({
  page,
}) => {
  await page.goto('/read/#sgd-two-parameters');
  await expect
    .poll(() => page.evaluate(() => Math.round(document.getElementById('sgd-two-parameters')!.getBoundingClientRect().top)))
    .toBeLessThan(80);
  await page.locator('#sgd-two-parameters .read-to-deck a').click();
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await expect.poll(() => currentSlideId(page)).toBe('sgd-two-parameters');
  await page.evaluate(() => (location.hash = '#/preprocessing'));
  await expect.poll(() => currentSlideId(page)).toBe('preprocessing');
  await expect(page.locator('.read-link')).toHaveAttribute('href', '/read/#preprocessing');
  await page.keyboard.press('e');
  await expect(page).toHaveURL(/\/read\/#preprocessing$/);
  await expect(page.locator('article#preprocessing')).toBeVisible();
});

test('a demo scrolled into view mounts and works, and its clicker steps become Back and Next', async ({ page }) => {
  await page.goto('/read/');
  const figure = page.locator('#sgd-one-parameter figure[data-demo="gradient-descent-1d"]');
  await expect(figure).toHaveAttribute('data-demo-state', 'pending');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-demo-state', 'ready');
  await expect(figure).toHaveAttribute('data-step', '0');
  const stepper = page.locator('#sgd-one-parameter .read-stepper');
  await stepper.getByRole('button', { name: 'Next ▶' }).click();
  await stepper.getByRole('button', { name: 'Next ▶' }).click();
  await expect(figure).toHaveAttribute('data-step', '2');
  await expect(stepper).toContainText('Step 2 of 6');
  await figure.getByRole('button', { name: /too small/ }).click();
  await expect(figure).toHaveAttribute('data-eta', '0.05');
  // A demo far down the page has not been loaded.
  await expect(page.locator('#live-training figure.demo')).toHaveAttribute('data-demo-state', 'pending');
});

test('the first load, before scrolling, needs at most 250 KB compressed as a static host would (gzip)', async ({ page, baseURL }) => {
  const paths = new Set<string>();
  page.on('requestfinished', (r) => paths.add(new URL(r.url()).pathname));
  await page.goto('/read/');
  await page.waitForLoadState('networkidle');
  let total = 0;
  for (const path of paths) {
    const body = await (await fetch(new URL(path, baseURL))).arrayBuffer();
    // Fonts and images are compressed already; a host sends them as they are.
    total += /\.(woff2|png|wasm)$/.test(path) ? body.byteLength : gzipSync(Buffer.from(body)).length;
  }
  console.log(`reader first load: ${(total / 1024).toFixed(1)} KiB over ${paths.size} files`);
  expect(total).toBeLessThanOrEqual(250_000);
  expect([...paths].filter((p) => /worker-|tfjs|\.wasm$|\/mnist\//.test(p))).toEqual([]);
});

test('after one visit the reader reloads with the network off', async ({ page, context }) => {
  await page.goto('/read/');
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.reload();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('article.read-slide').first()).toBeAttached();
  await expect(page.locator('h1')).toContainText('Deep learning');
  await context.setOffline(false);
});

test('the printed handout has no controls and every demo as a still frame', async ({ page }) => {
  await page.emulateMedia({ media: 'print' });
  await page.goto('/read/?print');
  await expect(page.locator('body')).toHaveAttribute('data-handout', 'ready', { timeout: 60_000 });
  const demos = page.locator('figure.demo');
  const n = await demos.count();
  expect(n).toBeGreaterThanOrEqual(8);
  for (let i = 0; i < n; i++) {
    const demo = demos.nth(i);
    await expect(demo).toHaveAttribute('data-demo-state', 'ready');
    // A drawing (SVG marks, canvases), or for a poll its options.
    const marks = await demo.locator('.demo-stage').evaluate((stage) => stage.querySelectorAll('svg *, canvas, .poll-option').length);
    expect(marks, `demo ${await demo.getAttribute('data-demo')}`).toBeGreaterThan(2);
  }
  const visibleControls = await page.$$eval('button, input, .read-stepper', (els) =>
    els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.outerHTML.slice(0, 60)),
  );
  expect(visibleControls).toEqual([]);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBeGreaterThan(20);
});

test('axe finds no serious or critical violation in the reader', async ({ page }) => {
  const { AxeBuilder } = await import('@axe-core/playwright');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/read/');
  // Bring every slide in, so that content-visibility lays them all out.
  await page.addStyleTag({ content: '.read-slide { content-visibility: visible !important; }' });
  const result = await new AxeBuilder({ page }).exclude('figure.demo').analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  expect(serious).toEqual([]);
  // Headings in order: one h1, then h2 parts with h3 slides.
  const levels = await page.$$eval('main h1, main h2, main h3, main h4', (hs) => hs.map((h) => Number(h.tagName[1])));
  for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `heading ${i}`).toBeLessThanOrEqual(1);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("the reader fits a 360 px screen and the deck's scroll view links to it", async ({ page }) => {
    await page.goto('/read/#mnist');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await openDeck(page, '/#/mnist-task');
    const link = page.locator('.read-link');
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', /\/read\/#mnist-task$/);
    // It floats over the slides: never over the title one is reading.
    const title = await page.locator('section#mnist-task h2').boundingBox();
    const box = await link.boundingBox();
    expect(box!.y > title!.y + title!.height || box!.y + box!.height < title!.y || box!.x > title!.x + title!.width).toBe(true);
  });
});
