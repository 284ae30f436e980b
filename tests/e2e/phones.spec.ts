/**
 * Every slide on two phones (360 × 640 and 412 × 915), in reveal's scroll
 * view, with every demo mounted: no horizontal overflow, no HTML text under
 * 16 CSS px, and every control at least 44 px for a finger.
 * Text inside SVG figures is left out: figures scale as a whole, have a text
 * alternative, and can be zoomed with two fingers.
 */
import { expect, test } from '@playwright/test';
import { openDeck } from './deck.ts';

for (const [width, height] of [
  [360, 640],
  [412, 915],
] as const) {
  test.describe(`on a ${width} × ${height} phone`, () => {
    test.use({ viewport: { width, height }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });

    test('every slide fits the width, its text is at least 16 px and its controls at least 44 px', async ({ page }) => {
      test.setTimeout(180_000);
      await openDeck(page, '/?train-size=128&test-size=200&epochs=1');
      await expect(page.locator('.reveal-viewport.reveal-scroll')).toHaveCount(1);
      const ids = await page.$$eval('.reveal .slides section[id]', (s) => s.map((e) => e.id));
      const problems: string[] = [];
      for (const id of ids) {
        await page.evaluate((hash) => (location.hash = hash), `#/${id}`);
        const demo = page.locator(`section#${id} figure.demo`);
        if ((await demo.count()) > 0) await expect(demo.first()).toHaveAttribute('data-demo-state', /ready|error/, { timeout: 30_000 });
        problems.push(
          ...(await page.evaluate((slideId) => {
            const found: string[] = [];
            const section = document.getElementById(slideId)!;
            const viewport = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth > viewport) found.push(`#${slideId}: the page scrolls sideways`);
            // Nothing is cut off at the bottom of the slide's page.
            const page = section.closest('.scroll-page-content') ?? section;
            if (
              section.scrollHeight > section.clientHeight + 1 ||
              section.getBoundingClientRect().height > page.getBoundingClientRect().height + 1
            ) {
              found.push(`#${slideId}: ${section.scrollHeight} px of content in a ${section.clientHeight} px slide`);
            }
            // Anything wider than the screen must sit inside a box that scrolls.
            for (const el of section.querySelectorAll<HTMLElement>('*')) {
              if (el.closest('aside.notes, .katex-mathml')) continue;
              const r = el.getBoundingClientRect();
              if (r.width === 0 || r.right <= viewport + 1) continue;
              let clipped = false;
              for (let a = el.parentElement; a && a !== section; a = a.parentElement) {
                const style = getComputedStyle(a);
                if (/(auto|scroll|hidden)/.test(style.overflowX) && a.getBoundingClientRect().right <= viewport + 1) clipped = true;
              }
              if (!clipped)
                found.push(
                  `#${slideId}: <${el.tagName.toLowerCase()} class="${el.getAttribute('class') ?? ''}"> reaches ${Math.round(r.right)} px`,
                );
            }
            const walker = document.createTreeWalker(section, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
              const el = n.parentElement!;
              if (!n.textContent!.trim() || el instanceof SVGElement) continue;
              if (el.closest('aside.notes, .sr-only, .katex-mathml, [aria-hidden="true"], .demo-alt, svg, [hidden]')) continue;
              const range = document.createRange();
              range.selectNodeContents(n);
              if (range.getClientRects().length === 0) continue;
              const scale = el.offsetWidth ? el.getBoundingClientRect().width / el.offsetWidth : 1;
              const size = parseFloat(getComputedStyle(el).fontSize) * scale;
              if (size < 15.9) found.push(`#${slideId}: "${n.textContent!.trim().slice(0, 30)}" is ${size.toFixed(1)} px`);
            }
            for (const control of section.querySelectorAll<HTMLElement>('button, input, select')) {
              const r = control.getBoundingClientRect();
              if (r.width === 0 || control.closest('[hidden]')) continue;
              if (r.height < 43.5 || r.width < 43.5)
                found.push(
                  `#${slideId}: ${control.tagName.toLowerCase()} "${control.textContent?.trim() || control.getAttribute('aria-label')}" is ${Math.round(r.width)} × ${Math.round(r.height)} px`,
                );
            }
            return found;
          }, id)),
        );
      }
      expect([...new Set(problems)]).toEqual([]);
    });
  });
}
