/**
 * The reader's edition (read/): the lecture as a page to read later, with
 * every slide and its notes, live demos, deep links both ways, a light first
 * load, offline after one visit, a printable handout, and accessible.
 */
import { expect, test, type Page } from '@playwright/test';
import { gzipSync } from 'node:zlib';
import { allSlideIds, currentSlideId, openDeck } from './deck.ts';

test.describe.configure({ timeout: 120_000 });

/**
 * Notes as prose, for comparing the two editions: where a lecturer's
 * direction was left out mid-sentence, the reader closes the gap (no space
 * before punctuation, a capital after a full stop); the speaker view keeps
 * the direction, so its text, with the direction taken out here, does not.
 */
const asProse = (text: string) =>
  text
    .replace(/ ([.,;:!?)])/g, '$1')
    .replace(/([.!?…]) (\p{Ll})/gu, (_, stop: string, letter: string) => `${stop} ${letter.toUpperCase()}`);

test("every slide of the deck is in the reader, in deck order, as an anchor, with its notes as prose: the lecturer's directions left out", async ({
  page,
}) => {
  await openDeck(page);
  const deckIds = await allSlideIds(page);
  /** Text without the elements that match `leaveOut`, whitespace folded. */
  const textOf = (selector: string, leaveOut: string) =>
    page.$$eval(
      selector,
      (nodes, leaveOut) =>
        nodes.map((node) => {
          const copy = node.cloneNode(true) as HTMLElement;
          for (const e of copy.querySelectorAll(leaveOut)) e.remove();
          return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
        }),
      leaveOut,
    );
  // The speaker view's notes: the part's name and time (the reader's headings) and the lecturer's directions aside.
  const notes = await textOf('.reveal .slides section[id] > aside.notes', '.notes-part, .lecturer');
  const directions = await page.$$eval('.reveal .slides aside.notes .lecturer', (d) => d.length);
  expect(directions).toBeGreaterThan(20);
  await page.goto('/read/');
  const readerIds = await page.$$eval('article.read-slide', (a) => a.map((e) => e.id));
  expect(readerIds).toEqual(deckIds);
  // The reader's notes: without the reader's own versions of directions, the same prose.
  const readerNotes = await textOf('article.read-slide .read-notes', '.for-reader');
  readerIds.forEach((id, i) => {
    expect(asProse(readerNotes[i]!), `#${id}`).toBe(asProse(notes[i]!));
    expect(readerNotes[i]!.length, `#${id}`).toBeGreaterThan(200);
  });
  expect(await page.locator('.read-notes .lecturer').count()).toBe(0);
  expect(await page.locator('.read-notes .for-reader').count()).toBeGreaterThan(5);
  const prose = (await page.locator('.read-notes').allTextContents()).join(' ');
  expect(prose).not.toMatch(/\bpress [A-Z]\b|\bask the room\b|\bpause here\b/i);
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

/** Characters on each full line (the last line of a paragraph left out) of the reader's prose, as laid out. */
async function lineLengths(page: Page): Promise<number[]> {
  await page.addStyleTag({ content: '.read-slide { content-visibility: visible !important; }' });
  return page.evaluate(() => {
    const lengths: number[] = [];
    const range = document.createRange();
    for (const p of document.querySelectorAll<HTMLElement>('.read-notes p')) {
      const perLine = new Map<number, number>();
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < (node.textContent ?? '').length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect) perLine.set(Math.round(rect.top), (perLine.get(Math.round(rect.top)) ?? 0) + 1);
        }
      }
      lengths.push(
        ...[...perLine.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([, n]) => n)
          .slice(0, -1),
      );
    }
    return lengths.sort((a, b) => a - b);
  });
}

for (const width of [1280, 1920]) {
  test(`at ${width} px the prose reads at 60 to 75 characters a line, the slide beside it in the margin, the contents at hand`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height: 900 });
    await page.goto('/read/#update-rule');
    const lengths = await lineLengths(page);
    expect(lengths.length).toBeGreaterThan(300);
    const at = (q: number) => lengths[Math.floor(q * (lengths.length - 1))]!;
    // Most lines, and the typical one, within the measure; a long word may push a line a little past it.
    expect(at(0.5), `median of ${lengths.length} lines`).toBeGreaterThanOrEqual(60);
    expect(at(0.5)).toBeLessThanOrEqual(75);
    expect(at(0.1), 'the shortest tenth').toBeGreaterThanOrEqual(55);
    expect(at(0.9), 'the longest tenth').toBeLessThanOrEqual(75);
    // The slide sits to the right of its prose, level with its title, and stays in view as the prose is read.
    const article = page.locator('article#update-rule');
    const notes = (await article.locator('.read-notes').boundingBox())!;
    const figure = (await article.locator('.read-figure').boundingBox())!;
    const title = (await article.locator('.read-title').boundingBox())!;
    expect(figure.x).toBeGreaterThanOrEqual(notes.x + notes.width);
    expect(Math.abs(figure.y - title.y)).toBeLessThan(20);
    await expect(article.locator('.read-figure > figcaption')).toContainText(/Slide \d+ of \d+/);
    // Every still has its caption.
    expect(await page.locator('.read-figure > figcaption').count()).toBe(await page.locator('article.read-slide').count());
    // The contents: a column of their own on a wide screen, else a link in the bar that stays at the top.
    await page.mouse.wheel(0, 3000);
    if (width >= 1560) await expect(page.locator('nav.read-toc')).toBeInViewport();
    else {
      await expect(page.locator('.read-bar a[href="#toc-title"]')).toBeInViewport();
      await page.locator('.read-bar a[href="#toc-title"]').click();
      await expect(page.locator('#toc-title')).toBeInViewport();
    }
  });
}

test('a link to a former slide id opens the slide that took its place, in the deck and in the reader', async ({ page }) => {
  await openDeck(page);
  const moved = await page.$$eval('.reveal .slides section[data-formerly]', (s) =>
    s.map((e) => [e.dataset.formerly!.split(' ')[0]!, e.id]),
  );
  expect(moved.length, 'a slide that names a former id').toBeGreaterThan(0);
  const [old, successor] = moved[0]!;
  await openDeck(page, `/#/${old}`);
  await expect.poll(() => currentSlideId(page)).toBe(successor);
  await expect(page).toHaveURL(new RegExp(`#/${successor}$`));
  // An address changed by hand, in the open deck, too.
  await page.evaluate(() => (location.hash = '#/title'));
  await expect.poll(() => currentSlideId(page)).toBe('title');
  await page.evaluate((id) => (location.hash = `#/${id}`), old);
  await expect.poll(() => currentSlideId(page)).toBe(successor);
  await page.goto(`/read/#${old}`);
  await expect(page).toHaveURL(new RegExp(`/read/#${successor}$`));
  await expect(page.locator(`article#${successor} .read-title`)).toBeInViewport();
});
