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

test('on a phone, changing #/<id> in the address scrolls to that slide', async ({ page }) => {
  await openDeck(page);
  const ids = await allSlideIds(page);
  for (const target of [ids[Math.floor(ids.length / 2)]!, ids[Math.floor(ids.length * 0.8)]!]) {
    await page.evaluate((hash) => (location.hash = hash), `#/${target}`);
    await expect(page.locator(`section#${target}`)).toBeInViewport({ ratio: 0.5 });
  }
});

test("on a phone every fragment is shown at once, for reading at one's own pace", async ({ page }) => {
  await openDeck(page, '/#/objectives');
  const items = page.locator('section#objectives li');
  expect(await items.count()).toBeGreaterThan(2);
  for (const item of await items.all()) await expect(item).toBeVisible();
  await expect(items.last()).toHaveCSS('opacity', '1');
  // …and a slide with fragments takes no more scrolling than its own height: its page is as tall as the slide.
  const extra = await page.$eval(
    'section#objectives',
    (s) => s.closest('.scroll-page')!.getBoundingClientRect().height - s.getBoundingClientRect().height,
  );
  expect(extra).toBeLessThan(40);
});
