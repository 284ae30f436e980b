/** The representation figures, on their slides. */
import { expect, test, type Page } from '@playwright/test';
import { openDeck } from './deck.ts';

const fig = (page: Page, name: string) => page.locator(`figure[data-demo="${name}"]`);

test('tensor ranks: each click adds a rank, up to MNIST and the reshape to (60000, 784)', async ({ page }) => {
  await openDeck(page, '/#/tensor-ranks');
  const f = fig(page, 'tensor-ranks');
  await expect(f).toHaveAttribute('data-shape', '()');
  await page.keyboard.press('Space');
  await expect(f).toHaveAttribute('data-shape', '(5,)');
  await expect(f.locator('.te-header')).toContainText('vector, rank 1');
  for (let i = 0; i < 7; i++) await page.keyboard.press('Space');
  await expect(f).toHaveAttribute('data-shape', '(60000, 784)');
  await expect(page.locator('section#tensor-ranks')).toHaveClass(/present/);
  // The real first training image, reshaped: 784 pixel cells in one row, some of them ink (mostly the theme's ink, which is dark here).
  await expect
    .poll(
      () =>
        f
          .locator('svg rect')
          .evaluateAll(
            (rects) =>
              rects.filter((r) => /var\(--ink\) (6|7|8|9)\d(\.\d)?%|var\(--ink\) 100(\.0)?%/.test((r as SVGElement).style.fill)).length,
          ),
      { timeout: 20_000 },
    )
    .toBeGreaterThan(50);
  // Once the reshape has settled, the cells sit in one row (the header's cell aside).
  await expect
    .poll(() => f.locator('svg rect').evaluateAll((rects) => new Set(rects.map((r) => r.getAttribute('y'))).size))
    .toBeLessThanOrEqual(2);
});

test('change of coordinates: a click turns the axes, after which filled points have x > 0', async ({ page }) => {
  await openDeck(page, '/#/change-of-coordinates');
  const f = fig(page, 'change-of-coordinates');
  await expect(f).toHaveAttribute('data-turned', 'false');
  const before = await f.locator('circle.co-filled').first().getAttribute('cx');
  await page.keyboard.press('Space');
  await expect(f).toHaveAttribute('data-turned', 'true');
  await expect(f.locator('.co-rule')).toHaveText('Rule: filled points have x > 0.');
  await expect.poll(() => f.locator('circle.co-filled').first().getAttribute('cx')).not.toBe(before);
  // Once the turn has finished, every filled point is right of the y axis and every open one left of it.
  const axis = Number(await f.locator('line.co-axis').nth(1).getAttribute('x1'));
  const sides = () =>
    f.evaluate((figure, x) => {
      const cx = (selector: string) => [...figure.querySelectorAll(selector)].map((e) => Number(e.getAttribute('cx')));
      return { filled: cx('svg > g > circle.co-filled').every((c) => c > x), open: cx('svg > g > circle.co-open').every((c) => c < x) };
    }, axis);
  await expect.poll(sides).toEqual({ filled: true, open: true });
});

test('uncrumpling: training raises the accuracy readout, and the slider moves through the layers', async ({ page }) => {
  await openDeck(page, '/#/uncrumpling');
  const f = fig(page, 'uncrumpling');
  await expect(f).toHaveAttribute('data-demo-state', 'ready');
  const start = Number(await f.getAttribute('data-accuracy'));
  await f.getByRole('button', { name: 'Train' }).click();
  await expect.poll(async () => Number(await f.getAttribute('data-accuracy')), { timeout: 30_000 }).toBeGreaterThanOrEqual(0.95);
  expect(start).toBeLessThan(0.9);
  await f.getByRole('button', { name: 'Pause' }).click();
  await expect(f).toHaveAttribute('data-state', 'paused');
  const lastLayer = await f.locator('.un-grid path').first().getAttribute('d');
  await f.getByRole('slider').fill('0');
  await expect(f).toHaveAttribute('data-layer', '0');
  await expect(f.locator('figcaption').first()).toContainText('Layer 0: the input');
  expect(await f.locator('.un-grid path').first().getAttribute('d')).not.toBe(lastLayer);
});

test('anatomy: the clicker highlights the five steps of the training loop in turn', async ({ page }) => {
  await openDeck(page, '/#/anatomy');
  const f = fig(page, 'training-anatomy');
  await expect(f).toHaveAttribute('data-step', '0');
  const captions: string[] = [];
  for (let i = 1; i <= 5; i++) {
    await page.keyboard.press('Space');
    await expect(f).toHaveAttribute('data-step', String(i));
    captions.push((await f.locator('.an-caption').textContent())!);
  }
  expect(captions.map((c) => c.slice(0, 2))).toEqual(['1.', '2.', '3.', '4.', '5.']);
  await expect(f.locator('[data-node="opt"]')).toHaveClass(/lit/);
  await expect(f.locator('[data-node="input"]')).not.toHaveClass(/lit/);
});

test('in the print layout every representation figure shows a still frame', async ({ page }) => {
  await openDeck(page, '/?print-pdf');
  await expect(fig(page, 'uncrumpling')).toHaveAttribute('data-step', '600');
  expect(Number(await fig(page, 'uncrumpling').getAttribute('data-accuracy'))).toBeGreaterThan(0.95);
  await expect(fig(page, 'change-of-coordinates')).toHaveAttribute('data-turned', 'true');
  await expect(fig(page, 'training-anatomy')).toHaveAttribute('data-step', '5');
  // Paper has no clicker: the tensor figure prints its whole progression, rank 0 to rank 5.
  await expect(fig(page, 'tensor-ranks')).toHaveAttribute('data-printed', '0,1,2,3,4,5');
  await expect(fig(page, 'tensor-ranks').locator('.te-panel')).toHaveCount(6);
  expect(await fig(page, 'tensor-ranks').locator('.te-panel figcaption').allTextContents()).toEqual([
    'rank 0 scalar ()',
    'rank 1 vector (5,)',
    'rank 2 matrix (4, 5)',
    'rank 3 3D tensor (3, 4, 5)',
    'rank 4 4D tensor (3, 28, 28, 3) or (3, 3, 28, 28)',
    'rank 5 5D tensor (2, 3, 28, 28, 3)',
  ]);
});
