/** Helpers shared by the browser tests. */
import { expect, type Page } from '@playwright/test';

/** Opens the deck (optionally at `#/<id>` or with a query) and waits until reveal.js is ready. */
export async function openDeck(page: Page, path = '/'): Promise<void> {
  await page.goto(path);
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
}

/** The id of the slide on screen. */
export async function currentSlideId(page: Page): Promise<string | null> {
  return page.locator('.reveal .slides section.present:not(.stack)').last().getAttribute('id');
}

/** Ids of every slide (the innermost sections), in deck order. */
export async function allSlideIds(page: Page): Promise<string[]> {
  return page.$$eval('.reveal .slides section[id]', (sections) => sections.map((s) => s.id));
}
