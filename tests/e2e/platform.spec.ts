import { expect, test } from '@playwright/test';
import { allSlideIds, currentSlideId, openDeck } from './deck.ts';

test('the deck loads with its first slide on screen, a progress bar and a slide number', async ({ page }) => {
  await openDeck(page);
  const ids = await allSlideIds(page);
  expect(ids.length).toBeGreaterThan(2);
  expect(await currentSlideId(page)).toBe(ids[0]);
  await expect(page.locator('.reveal .progress')).toBeVisible();
  await expect(page.locator('.reveal .slide-number')).toHaveText(new RegExp(`^\\s*#/${ids[0]} · 1\\s*/\\s*${ids.length}\\s*$`));
});

test('the next and previous keys move through the slides and the address follows', async ({ page }) => {
  await openDeck(page);
  const ids = await allSlideIds(page);
  // Space (and a clicker's "next") steps through fragments, then slides: press until the slide changes.
  for (let i = 0; i < 20 && (await currentSlideId(page)) === ids[0]; i++) await page.keyboard.press('Space');
  expect(await currentSlideId(page)).toBe(ids[1]);
  await expect(page).toHaveURL(new RegExp(`#/${ids[1]}$`));
  await page.keyboard.press('Shift+Space');
  await expect.poll(() => currentSlideId(page)).toBe(ids[0]);
});

test('a deep link #/<id> opens that slide, including one inside a vertical stack', async ({ page }) => {
  await openDeck(page);
  const ids = await allSlideIds(page);
  const nested = await page.$$eval('.reveal .slides > section > section[id]', (s) => s.map((e) => e.id));
  for (const id of [ids.at(-1)!, ...nested.slice(-1)]) {
    await openDeck(page, `/#/${id}`);
    expect(await currentSlideId(page)).toBe(id);
  }
});

test('Escape toggles the overview of all slides', async ({ page }) => {
  await openDeck(page);
  await page.keyboard.press('Escape');
  await expect(page.locator('.reveal.overview')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(page.locator('.reveal.overview')).toHaveCount(0);
});

test('mathematics is rendered by KaTeX at build time, with MathML for screen readers', async ({ page }) => {
  await openDeck(page);
  const withMath = await page.$eval('.reveal .slides section[id]:has(.katex)', (s) => s.id);
  await openDeck(page, `/#/${withMath}`);
  const html = await page.content();
  expect(html).not.toMatch(/\$\$/);
  expect(await page.locator('.katex').count()).toBeGreaterThan(0);
  expect(await page.locator('.katex-mathml math').count()).toBe(await page.locator('.katex').count());
  // KaTeX's fonts come from this site.
  const fontLoaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].some((f) => f.family.includes('KaTeX') && f.status === 'loaded');
  });
  expect(fontLoaded).toBe(true);
});

test('code blocks are highlighted at build time', async ({ page }) => {
  await openDeck(page);
  const code = page.locator('pre.shiki code').first();
  await expect(code).toHaveCount(1);
  expect(await code.locator('span[style*="color"]').count()).toBeGreaterThan(3);
});

test('every slide has speaker notes', async ({ page }) => {
  await openDeck(page);
  const missing = await page.$$eval('.reveal .slides section[id]', (sections) =>
    sections.filter((s) => (s.querySelector(':scope > aside.notes')?.textContent ?? '').trim().length < 20).map((s) => s.id),
  );
  expect(missing).toEqual([]);
});

test('S opens the speaker view with the notes, the next slide and a timer', async ({ page, context }) => {
  await openDeck(page);
  const firstNotes = (await page.locator('.reveal .slides section.present aside.notes').first().textContent())!.trim();
  const [speaker] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('s')]);
  await speaker.waitForLoadState();
  await expect(speaker.locator('.speaker-controls-time')).toBeVisible();
  await expect(speaker.locator('.speaker-controls-notes')).toContainText(firstNotes.slice(0, 30));
  await expect(speaker.locator('.speaker-controls-time .clock-value')).toHaveText(/\d/);
  // The timer runs.
  const before = await speaker.locator('.speaker-controls-time .timer').textContent();
  await expect.poll(() => speaker.locator('.speaker-controls-time .timer').textContent(), { timeout: 4000 }).not.toBe(before);
});

test('search finds a word and jumps to its slide', async ({ page }) => {
  await openDeck(page);
  // A word of some slide's title that no other slide contains.
  const [target, word] = await page.$$eval('.reveal .slides section[id]', (sections) => {
    const text = sections.map((s) => (s.textContent ?? '').toLowerCase());
    for (const [i, section] of sections.entries()) {
      if (i === 0) continue;
      const words = (section.querySelector('h1, h2')?.textContent ?? '').split(/[^A-Za-z]+/).filter((w) => w.length >= 6);
      const unique = words.find((w) => text.filter((t) => t.includes(w.toLowerCase())).length === 1);
      if (unique) return [section.id, unique];
    }
    return ['', ''];
  });
  expect(word).not.toBe('');
  await page.keyboard.press('Control+Shift+F');
  const input = page.locator('.deck-search-input');
  await expect(input).toBeVisible();
  await input.fill(word);
  await input.press('Enter');
  await expect.poll(() => currentSlideId(page)).toBe(target);
});

test('Alt+click zooms into the slide', async ({ page }) => {
  await openDeck(page);
  await page
    .locator('.reveal .slides section.present h1, .reveal .slides section.present h2')
    .first()
    .click({ modifiers: ['Alt'] });
  await expect
    .poll(() => page.evaluate(() => getComputedStyle(document.querySelector('.reveal .slides')!).transform + document.body.style.transform))
    .toMatch(/scale|matrix\((?!1, 0, 0, 1, 0, 0)/);
});

test('?print-pdf lays out one page per slide and prints a PDF with that many pages', async ({ page }) => {
  await page.emulateMedia({ media: 'print' });
  await openDeck(page, '/?print-pdf');
  const slides = (await allSlideIds(page)).length;
  await expect(page.locator('.pdf-page')).toHaveCount(slides);
  const pdf = await page.pdf({ width: '1280px', height: '720px', printBackground: true, preferCSSPageSize: true });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
  expect(pages).toBe(slides);
});
