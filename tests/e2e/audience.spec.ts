/** Attendees on phones and readers of the published deck (issue: light, offline, accessible, printable). */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { openDeck } from './deck.ts';

/** The address the site was built for: SITE_URL and BASE_PATH, as in astro.config.mjs. */
const configured = new URL(process.env.BASE_PATH ?? '/', process.env.SITE_URL ?? 'http://localhost:4321').href;

test('a slide near the start shows a QR code that decodes to the configured address, and the address in text', async ({ page }) => {
  await openDeck(page, '/#/follow-along');
  const ids = await page.$$eval('.reveal .slides section[id]', (s) => s.map((e) => e.id));
  expect(ids.indexOf('follow-along')).toBeLessThan(3);
  const qr = page.locator('section#follow-along figure.qr svg');
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('aria-label', `QR code of the deck's address, ${configured}`);
  const png = PNG.sync.read(await qr.screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code?.data).toBe(configured);
  await expect(page.locator('section#follow-along figcaption a')).toHaveText(configured);
});

test('the slide number shows where the deck is and the id to type', async ({ page }) => {
  await openDeck(page, '/#/vocabulary');
  await expect(page.locator('.reveal .slide-number')).toContainText('#/vocabulary');
  await expect(page.locator('.reveal .slide-number')).toHaveText(/^\s*#\/vocabulary · \d+\s*\/\s*\d+\s*$/);
});
