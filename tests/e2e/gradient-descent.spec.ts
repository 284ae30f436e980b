/** The gradient-descent figures, as the audience and the presenter use them. */
import { expect, test, type Page } from '@playwright/test';
import { openDeck, openSlide } from './deck.ts';

const one = (page: Page) => page.locator('figure[data-demo="gradient-descent-1d"]');
const two = (page: Page) => page.locator('figure[data-demo="gradient-descent-2d"]');

test('one parameter: the figure renders, and the clicker steps the point and the numbers of the update rule', async ({ page }) => {
  await openSlide(page, 'sgd-one-parameter');
  await expect(one(page).locator('.gd-curve')).toHaveAttribute('d', /^M/);
  await expect(one(page)).toHaveAttribute('data-step', '0');
  const formula = one(page).locator('.gd-formula annotation');
  await expect(formula).toContainText('w_{1}');
  const before = { cx: await one(page).locator('.gd-point').getAttribute('cx'), text: await formula.textContent() };
  await page.keyboard.press('Space');
  await expect(one(page)).toHaveAttribute('data-step', '1');
  await expect(formula).toContainText('w_{2}');
  expect(await formula.textContent()).not.toBe(before.text);
  await expect.poll(() => one(page).locator('.gd-point').getAttribute('cx')).not.toBe(before.cx);
  // The numbers on screen are the update rule's: w1 = w0 − η·dL/dw.
  const [w, eta, grad, next] = (await formula.textContent())!
    .match(/-?\d+\.\d+/g)!
    .slice(0, 4)
    .map(Number);
  expect(next).toBeCloseTo(w! - eta! * grad!, 2);
  // Still on the slide: the figure took the click, not the deck.
  await expect(page.locator('section#sgd-one-parameter')).toHaveClass(/present/);
});

test('one parameter: the too-large preset overshoots and diverges, and the figure stays inside its box', async ({ page }) => {
  await openSlide(page, 'sgd-one-parameter');
  await one(page)
    .getByRole('button', { name: /too large/ })
    .click();
  await expect(one(page).getByRole('button', { name: /too large/ })).toHaveAttribute('aria-pressed', 'true');
  for (let i = 0; i < 8; i++) await one(page).getByRole('button', { name: 'Step' }).click();
  await expect(one(page)).toHaveAttribute('data-diverged', 'true');
  await expect(one(page).locator('.fig-status')).toHaveText('Diverged: every step overshoots further.');
  const svg = (await one(page).locator('svg.gd-svg').boundingBox())!;
  for (const selector of ['.gd-point', '.gd-offchart']) {
    const box = (await one(page).locator(selector).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(svg.x - 1);
    expect(box.x + box.width).toBeLessThanOrEqual(svg.x + svg.width + 1);
    expect(box.y).toBeGreaterThanOrEqual(svg.y - 1);
    expect(box.y + box.height).toBeLessThanOrEqual(svg.y + svg.height + 1);
  }
});

test("one parameter: a link that carries the figure's state restores it; the deck itself never writes one", async ({ page }) => {
  await openDeck(page, '/?gd1=curve:two-valleys,eta:0.05,w0:-3,step:3#/sgd-one-parameter');
  await expect(one(page)).toHaveAttribute('data-demo-state', 'ready');
  await expect(one(page)).toHaveAttribute('data-step', '3');
  await expect(one(page)).toHaveAttribute('data-eta', '0.05');
  await expect(one(page).getByRole('button', { name: 'a local minimum' })).toHaveAttribute('aria-pressed', 'true');
  await expect(one(page).getByRole('button', { name: /too small/ })).toHaveAttribute('aria-pressed', 'true');
  await one(page).getByRole('button', { name: 'Step' }).click();
  await expect(one(page)).toHaveAttribute('data-step', '4');
  expect(new URL(page.url()).searchParams.get('gd1')).toBe('curve:two-valleys,eta:0.05,w0:-3,step:3');
});

test('a rehearsal does not change the lecture: after playing with a figure and reloading, its slide arrives at step 0 with its defaults', async ({
  page,
}) => {
  await openSlide(page, 'sgd-one-parameter');
  await one(page)
    .getByRole('button', { name: /too small/ })
    .click();
  for (let i = 0; i < 4; i++) await one(page).getByRole('button', { name: 'Step' }).click();
  await expect(one(page)).toHaveAttribute('data-step', '4');
  expect(page.url()).not.toContain('gd1=');
  // Reload the page as the rehearsal left it, start from the previous slide, and arrive by the clicker.
  await page.reload();
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await page.keyboard.press('PageUp');
  await expect(page.locator('section#sgd-one-parameter')).not.toHaveClass(/present/);
  await page.keyboard.press('PageDown');
  await expect(one(page)).toHaveAttribute('data-demo-state', 'ready');
  await expect(one(page)).toHaveAttribute('data-step', '0');
  await expect(one(page)).toHaveAttribute('data-eta', '0.9');
});

test('one parameter: A plays and pauses the figure', async ({ page }) => {
  await openSlide(page, 'sgd-one-parameter');
  await one(page)
    .getByRole('button', { name: /too small/ })
    .click();
  await page.keyboard.press('a');
  await expect(one(page).locator('.gd-play')).toHaveText('Pause');
  await expect.poll(async () => Number(await one(page).getAttribute('data-step')), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('a');
  await expect(one(page).locator('.gd-play')).toHaveText('Play');
});

test('two parameters: contour lines, both paths, and a step moves the mini-batch point; a link restores a state', async ({ page }) => {
  await openSlide(page, 'sgd-two-parameters');
  expect(await two(page).locator('.gd-contours path').count()).toBeGreaterThan(5);
  const x0 = await two(page).locator('.gd-point-sgd').getAttribute('x');
  await page.keyboard.press('Space');
  await expect(two(page)).toHaveAttribute('data-step', '3');
  expect(await two(page).locator('.gd-point-sgd').getAttribute('x')).not.toBe(x0);
  await expect(two(page).locator('path.gd-path-full')).toHaveAttribute('d', /L/);
  await expect(two(page).locator('path.gd-path-sgd')).toHaveAttribute('d', /L/);
  await two(page).getByRole('button', { name: '16' }).click();
  await two(page).getByRole('button', { name: '0.8' }).click();
  for (let i = 0; i < 5; i++) await two(page).getByRole('button', { name: 'Step', exact: true }).click();
  const loss = await two(page).getAttribute('data-loss');
  const again = await page.context().newPage();
  await openDeck(again, '/?gd2=eta:0.15,bs:16,mom:0.8,w0:-1.8,b0:2.2,seed:1,step:5#/sgd-two-parameters');
  await expect(two(again)).toHaveAttribute('data-loss', loss!);
});

test('the print layout shows both figures after a few steps, not empty boxes', async ({ page }) => {
  await openDeck(page, '/?print-pdf');
  await expect(one(page)).toHaveAttribute('data-demo-state', 'ready');
  await expect(two(page)).toHaveAttribute('data-demo-state', 'ready');
  expect(Number(await one(page).getAttribute('data-step'))).toBeGreaterThanOrEqual(4);
  expect(Number(await two(page).getAttribute('data-step'))).toBeGreaterThan(4);
});

test('with reduced motion a step moves the point at once, without tweening', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openSlide(page, 'sgd-one-parameter');
  const moved = await page.evaluate(() => {
    const figure = document.querySelector('figure[data-demo="gradient-descent-1d"]')!;
    const point = figure.querySelector('.gd-point')!;
    const before = point.getAttribute('cx');
    [...figure.querySelectorAll('button')].find((b) => b.textContent === 'Step')!.click();
    return before !== point.getAttribute('cx');
  });
  expect(moved).toBe(true);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 412, height: 915 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2.625 });

  test('a tap on the contour plot chooses the start, and a tap on Step takes a step', async ({ page }) => {
    await openDeck(page, '/#/sgd-two-parameters');
    await expect(page.locator('.reveal-viewport.reveal-scroll')).toHaveCount(1);
    await expect(two(page)).toHaveAttribute('data-demo-state', 'ready');
    const frame = (await two(page).locator('.gd-frame').boundingBox())!;
    await page.touchscreen.tap(frame.x + frame.width * 0.8, frame.y + frame.height * 0.8);
    // Down and to the right of the default start (w −1.8, b 2.2).
    await expect.poll(async () => Number(await two(page).getAttribute('data-w'))).toBeGreaterThan(2);
    expect(Number(await two(page).getAttribute('data-b'))).toBeLessThan(0);
    await two(page).getByRole('button', { name: 'Step', exact: true }).tap();
    await expect(two(page)).toHaveAttribute('data-step', '1');
  });
});
