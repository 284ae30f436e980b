/**
 * The lecture's content, as an audience and an instructor meet it in the
 * built deck. Section ids are documented in slides/README.md.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { allSlideIds, openDeck } from './deck.ts';

/** The section table of slides/README.md, read so that the documentation and the test cannot drift apart. */
function documentedSections(): Map<string, string[]> {
  const readme = readFileSync('slides/README.md', 'utf8');
  const table = readme.slice(readme.indexOf("## The lecture's sections and their ids"));
  const sections = new Map<string, string[]>();
  for (const [, name, cell] of table.slice(0, table.indexOf('\n\n', table.indexOf('| --- |'))).matchAll(/^\| ([^|]+?) \| ([^|]+) \|$/gm)) {
    const ids = [...cell!.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]!);
    if (ids.length > 0) sections.set(name!, ids);
  }
  return sections;
}

test('every section of the lecture is present, in the order of the syllabus', async ({ page }) => {
  const sections = documentedSections();
  // The opening, the five parts of #plan, and the closing.
  expect([...sections.keys()]).toEqual(['Opening', '1. Context', '2. Ideas', '3. Tensors', '4. Learning', '5. MNIST', 'Closing']);
  await openDeck(page);
  const ids = await allSlideIds(page);
  let last = -1;
  for (const [name, expected] of sections) {
    for (const id of expected) {
      const at = ids.indexOf(id);
      expect(at, `section "${name}" needs a slide #${id}`).toBeGreaterThan(-1);
    }
    const first = ids.indexOf(expected[0]!);
    expect(first, `section "${name}" comes after the one before it`).toBeGreaterThan(last);
    last = first;
  }
});

test('every slide has a title and speaker notes in full sentences', async ({ page }) => {
  await openDeck(page);
  const slides = await page.$$eval('.reveal .slides section[id]', (sections) =>
    sections.map((s) => ({
      id: s.id,
      title: s.querySelector(':scope > .slide-body > :is(h1, h2, h3)')?.textContent?.trim() ?? '',
      notes: s.querySelector(':scope > aside.notes')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
    })),
  );
  expect(slides.length).toBeGreaterThan(40);
  for (const slide of slides) {
    expect(slide.title, `#${slide.id} has a title`).not.toBe('');
    expect(slide.notes.length, `#${slide.id} has notes of some substance`).toBeGreaterThan(250);
    expect(slide.notes, `#${slide.id}'s notes are sentences`).toMatch(/[a-z][^.!?]*[.!?]/);
  }
});

test('the first slide of every part tells the instructor its rough time', async ({ page }) => {
  await openDeck(page);
  const parts = await page.$$eval('.reveal .slides section[data-part] aside.notes .notes-part', (notes) =>
    notes.map((n) => n.textContent!.trim()),
  );
  expect(parts.length).toBeGreaterThanOrEqual(12);
  for (const part of parts) expect(part).toMatch(/ · about \d+ min$/);
  const total = parts.reduce((sum, part) => sum + Number(/about (\d+) min/.exec(part)![1]), 0);
  expect(total).toBeGreaterThanOrEqual(60);
  expect(total).toBeLessThanOrEqual(150);
});

test('the update rule is typeset by KaTeX on its slide', async ({ page }) => {
  await openDeck(page, '/#/update-rule');
  const display = page.locator('section#update-rule .katex-display').first();
  await expect(display).toBeVisible();
  await expect(display.locator('annotation')).toHaveText(/w \\;\\leftarrow\\; w \\;-\\; \\eta\\,\\frac\{\\partial L\}\{\\partial w\}/);
  const box = (await display.locator('.katex-html').boundingBox())!;
  expect(box.width).toBeGreaterThan(150);
  // The fraction is drawn as a fraction, not left as text.
  await expect(display.locator('.mfrac')).toHaveCount(1);
});

test('every figure has a text alternative', async ({ page }) => {
  await openDeck(page);
  const figures = await page.$$eval('.reveal .slides figure', (figures) =>
    figures.map((f) => ({
      slide: f.closest('section[id]')!.id,
      alt: (
        f.querySelector('svg[role="img"]')?.getAttribute('aria-label') ??
        f.querySelector('figcaption.demo-alt')?.textContent ??
        // A figure drawn in text alone (the map of the parts) is its own alternative.
        (f.querySelector('svg, canvas, img, video') ? '' : f.textContent) ??
        ''
      ).trim(),
    })),
  );
  expect(figures.length).toBeGreaterThanOrEqual(9);
  for (const figure of figures) expect(figure.alt.length, `a figure on #${figure.slide}`).toBeGreaterThan(40);
});

test('no slide overflows the projected 1280 × 720 canvas', async ({ page }) => {
  // The print layout lays every slide out at once, at the canvas size.
  await openDeck(page, '/?print-pdf');
  const overflowing = await page.$$eval('.reveal .slides section[id]', (sections) =>
    sections.filter((s) => s.scrollHeight > 720 || s.scrollWidth > s.clientWidth).map((s) => `${s.id}: ${s.scrollWidth}×${s.scrollHeight}`),
  );
  expect(overflowing).toEqual([]);
});
