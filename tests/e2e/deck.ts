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

/**
 * Goes to slide `id` of an open deck, as a link would, and waits until it
 * is the slide reveal.js shows (in the scroll view: until the address says
 * so) and every demo on it has mounted, or failed with its message. With
 * `allFragments`, every fragment is shown first, as the clicker leaves the
 * slide.
 */
export async function visitSlide(page: Page, id: string, options: { allFragments?: boolean; timeout?: number } = {}): Promise<void> {
  await page.evaluate((hash) => (location.hash = hash), `#/${id}`);
  await page.waitForFunction((slide) => {
    const deck = (window as unknown as { Reveal?: { isScrollView(): boolean } }).Reveal;
    return deck?.isScrollView()
      ? location.hash === `#/${slide}`
      : document.querySelector('.reveal .slides section.present:not(.stack)')?.id === slide;
  }, id);
  if (options.allFragments) {
    await page.evaluate(() => {
      const deck = (window as unknown as { Reveal?: { availableFragments(): { next: boolean }; nextFragment(): boolean } }).Reveal;
      for (let i = 0; i < 60 && deck?.availableFragments().next; i++) deck.nextFragment();
    });
  }
  await page.waitForFunction(
    (slide) =>
      [...document.querySelectorAll<HTMLElement>(`section#${slide} [data-demo]`)].every((d) =>
        /ready|error/.test(d.dataset.demoState ?? ''),
      ),
    id,
    { timeout: options.timeout ?? 30_000 },
  );
}

/** Opens the deck at `query` (e.g. "backend=wasm&epochs=1") on slide `id`, and waits for its demos. */
export async function openSlide(page: Page, id: string, query = ''): Promise<void> {
  await openDeck(page, `/${query ? `?${query}` : ''}#/${id}`);
  await visitSlide(page, id, { timeout: 60_000 });
}
