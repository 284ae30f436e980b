import { devices, expect, test } from '@playwright/test';
import { allSlideIds, openDeck } from './deck.ts';

const { defaultBrowserType: _ignored, ...pixel7 } = devices['Pixel 7'];
test.use(pixel7);

test('a phone (Pixel 7, 412 px wide) gets the scroll view, with every slide one under another', async ({ page }) => {
  await openDeck(page);
  expect(page.viewportSize()!.width).toBe(412);
  await expect(page.locator('.reveal-viewport.reveal-scroll')).toHaveCount(1);
  const ids = await allSlideIds(page);
  // Scrolling down (a finger's swipe) brings the next slides, and the address follows.
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 900);
  await expect.poll(() => page.evaluate(() => location.hash)).not.toMatch(new RegExp(`#/${ids[0]}$`));
  const last = page.locator(`section#${ids.at(-1)}`);
  await last.scrollIntoViewIfNeeded();
  await expect(last).toBeInViewport();
});

test('on a phone a deep link #/<id> scrolls to that slide', async ({ page, context }) => {
  await openDeck(page);
  const ids = await allSlideIds(page);
  const target = ids.at(-2)!;
  page = await context.newPage();
  await openDeck(page, `/#/${target}`);
  await expect(page.locator(`section#${target}`)).toBeInViewport();
  await expect(page.locator(`section#${ids[0]}`)).not.toBeInViewport();
  await expect(page).toHaveURL(new RegExp(`#/${target}$`));
});
