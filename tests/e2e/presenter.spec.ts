/**
 * The presenter's screen: the speaker view (S) opened as a popup beside the
 * projected deck. The projected deck computes every demo; the speaker view's
 * preview frames mirror it and drive it.
 */
import { expect, test, type BrowserContext, type Frame, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { currentSlideId, openDeck } from './deck.ts';

test.describe.configure({ timeout: 120_000 });

/** Opens the speaker view and returns it with its current-slide preview frame (the one that posts events). */
async function openSpeakerView(page: Page, context: BrowserContext): Promise<{ speaker: Page; preview: () => Frame }> {
  const [speaker] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('s')]);
  await speaker.waitForLoadState();
  const preview = () => speaker.frames().find((f) => f.url().includes('receiver') && f.url().includes('postMessageEvents=true'))!;
  await expect.poll(() => Boolean(preview()), { timeout: 10_000 }).toBe(true);
  await expect(preview().locator('.reveal.ready')).toHaveCount(1, { timeout: 20_000 });
  return { speaker, preview };
}

const HEAVY = /tfjs|\.wasm$|\/mnist\/.*\.(bin|json)$|\/_astro\/worker-/;

test('with the speaker view open on the live slide, one training worker exists and no preview frame downloads TensorFlow.js, wasm or MNIST', async ({
  page,
  context,
}) => {
  const workers: string[] = [];
  context.on('page', (p) => p.on('worker', (w) => workers.push(`speaker:${w.url()}`)));
  page.on('worker', (w) => workers.push(`deck:${w.url()}`));
  const speakerRequests: string[] = [];
  context.on('page', (p) => p.on('request', (r) => speakerRequests.push(new URL(r.url()).pathname)));
  await openDeck(page, '/?train-size=384&test-size=200&epochs=1#/live-training');
  const live = page.locator('figure[data-demo="mnist-training"]');
  // The backend is chosen, by measurement, when a run starts.
  await expect(live).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  await page.keyboard.press('t');
  await expect(live).toHaveAttribute('data-backend', /.+/, { timeout: 60_000 });
  const { preview } = await openSpeakerView(page, context);
  const mirrored = preview().locator('figure[data-demo="mnist-training"]');
  await expect(mirrored).toHaveAttribute('data-demo-state', 'ready');
  // The preview shows the projected deck's backend at once, without choosing one of its own.
  await expect(mirrored).toHaveAttribute('data-backend', (await live.getAttribute('data-backend'))!);
  // The preview follows the deck's run to its end, without a worker of its own.
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(mirrored).toHaveAttribute('data-state', 'done');
  expect(workers.filter((w) => /worker-/.test(w))).toEqual([expect.stringMatching(/^deck:/)]);
  expect(speakerRequests.filter((p) => HEAVY.test(p))).toEqual([]);
});

test('T pressed in the speaker view trains the projected deck, and the preview shows its step and loss within a second', async ({
  page,
  context,
}) => {
  await openDeck(page, '/?backend=wasm&train-size=60000&test-size=200&epochs=1#/live-training');
  const live = page.locator('figure[data-demo="mnist-training"]');
  await expect(live).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  const { speaker, preview } = await openSpeakerView(page, context);
  await speaker.keyboard.press('t');
  await expect(live).toHaveAttribute('data-state', /loading|training|done/, { timeout: 10_000 });
  await expect.poll(async () => Number(await live.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(2);
  // Sample the projected deck, then find the same numbers in the preview within a second.
  await speaker.keyboard.press('t');
  await expect(live).toHaveAttribute('data-state', 'paused', { timeout: 10_000 });
  const [step, loss] = [await live.getAttribute('data-step'), await live.getAttribute('data-loss')];
  const mirrored = preview().locator('figure[data-demo="mnist-training"]');
  await expect(mirrored).toHaveAttribute('data-state', 'paused', { timeout: 1000 });
  await expect(mirrored).toHaveAttribute('data-step', step!, { timeout: 1000 });
  await expect(mirrored).toHaveAttribute('data-loss', loss!, { timeout: 1000 });
  // The preview's charts are drawn from the same numbers.
  expect(await mirrored.locator('.live-chart .curve-smooth').first().getAttribute('d')).toBe(
    await live.locator('.live-chart .curve-smooth').first().getAttribute('d'),
  );
});

test('a figure changed or stepped in either window shows the same state in the other', async ({ page, context }) => {
  await openDeck(page, '/#/sgd-one-parameter');
  const projected = page.locator('figure[data-demo="gradient-descent-1d"]');
  await expect(projected).toHaveAttribute('data-demo-state', 'ready');
  const { speaker, preview } = await openSpeakerView(page, context);
  const mirrored = preview().locator('figure[data-demo="gradient-descent-1d"]');
  await expect(mirrored).toHaveAttribute('data-demo-state', 'ready');
  // In the preview: a preset button, then a step; the projected deck follows.
  await mirrored.getByRole('button', { name: /too small/ }).click();
  await mirrored.getByRole('button', { name: 'Step' }).click();
  await expect(projected).toHaveAttribute('data-eta', '0.05');
  await expect(projected).toHaveAttribute('data-step', '1');
  await expect(mirrored).toHaveAttribute('data-step', '1');
  // In the projected deck: two steps; the preview follows.
  await projected.getByRole('button', { name: 'Step' }).click();
  await projected.getByRole('button', { name: 'Step' }).click();
  await expect(mirrored).toHaveAttribute('data-step', '3');
  await expect(mirrored).toHaveAttribute('data-w', (await projected.getAttribute('data-w'))!);
  // The clicker in the speaker view steps the figure through its fragments, in both windows.
  await speaker.keyboard.press('ArrowRight');
  await expect(projected).toHaveAttribute('data-step', '1', { timeout: 5000 });
  await expect(mirrored).toHaveAttribute('data-step', '1');
  // A demo key pressed in the speaker view plays the projected figure.
  await speaker.keyboard.press('a');
  await expect(projected.locator('.gd-play')).toHaveText('Pause', { timeout: 5000 });
  await expect(mirrored.locator('.gd-play')).toHaveText('Pause');
});

test('the help overlay lists every demo key from the first slide, with the slides it works on', async ({ page }) => {
  await openDeck(page, '/#/title');
  await page.keyboard.press('Shift+Slash');
  const help = page.locator('.r-overlay-help-content');
  await expect(help).toBeVisible();
  const rows = new Map(
    await help
      .locator('tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.children[0]?.textContent ?? '', tr.children[1]?.textContent ?? ''] as [string, string])),
  );
  expect(rows.get('T')).toMatch(/Train: start, pause or resume .*#\/live-training/);
  expect(rows.get('R')).toMatch(/Reset .*#\/live-training/);
  for (const slide of ['sgd-one-parameter', 'sgd-two-parameters', 'uncrumpling']) expect(rows.get('A')).toContain(`#/${slide}`);
});

test('search: notes-only matches are marked, the clicker works while it is open, and Esc closes it and gives the keyboard back', async ({
  page,
}) => {
  await openDeck(page, '/#/title');
  await page.keyboard.press('Control+Shift+F');
  const input = page.getByRole('searchbox', { name: 'Search the slides and their notes' });
  await expect(input).toBeFocused();
  // "Breindel" is said in several slides' notes; at least one slide names him only there.
  await input.fill('breindel');
  await expect(page.locator('.deck-search-results li').first()).toBeVisible();
  expect(await page.locator('.deck-search-results li[data-notes-only]').count()).toBeGreaterThan(0);
  await expect(page.locator('.deck-search-results li[data-notes-only]').first()).toContainText('in the notes');
  const before = await currentSlideId(page);
  await input.press('PageDown');
  await expect.poll(() => currentSlideId(page)).not.toBe(before);
  await input.press('Escape');
  await expect(page.locator('.deck-search')).toBeHidden();
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
  const after = await currentSlideId(page);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => currentSlideId(page)).not.toBe(after);
});

test('→ visits every slide in order, vertical stacks included: from why-deep it reaches one-layer', async ({ page }) => {
  await openDeck(page, '/#/why-deep');
  const order = await page.$$eval('.reveal .slides section[id]', (s) => s.map((e) => e.id));
  const next = order[order.indexOf('why-deep') + 1];
  expect(next).toBe('one-layer');
  // Past the fragments of why-deep, the next slide is the one below it.
  for (let i = 0; i < 12 && (await currentSlideId(page)) === 'why-deep'; i++) await page.keyboard.press('ArrowRight');
  expect(await currentSlideId(page)).toBe('one-layer');
});

test('the follow-along QR code decodes to the follow link on the address the deck is served from, when the build had no SITE_URL', async ({
  page,
  baseURL,
}) => {
  await openDeck(page, '/#/follow-along');
  const qr = page.locator('section#follow-along figure.qr');
  await expect(qr).toHaveAttribute('data-address', new URL('/', baseURL).href, { timeout: 10_000 });
  await expect(qr).toHaveAttribute('data-follow', new RegExp(`^${new URL('/', baseURL).href}\\?follow=[A-Za-z0-9_-]{16}$`), {
    timeout: 20_000,
  });
  const follow = (await qr.getAttribute('data-follow'))!;
  const png = PNG.sync.read(await qr.locator('svg').screenshot());
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(code?.data).toBe(follow);
  await expect(qr.locator('figcaption a')).toHaveText(follow);
});

test('D switches the dark theme, figures included, and the speaker view follows; ?theme=dark opens in it', async ({ page, context }) => {
  await openDeck(page, '/#/sgd-one-parameter');
  const projected = page.locator('figure[data-demo="gradient-descent-1d"]');
  await expect(projected).toHaveAttribute('data-demo-state', 'ready');
  const paper = () => page.evaluate(() => getComputedStyle(document.querySelector('.reveal-viewport')!).backgroundColor);
  const curve = () => projected.locator('.gd-curve').evaluate((p) => getComputedStyle(p).stroke);
  const [lightPaper, lightCurve] = [await paper(), await curve()];
  const { speaker, preview } = await openSpeakerView(page, context);
  await speaker.keyboard.press('d');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await paper()).not.toBe(lightPaper);
  expect(await curve()).not.toBe(lightCurve);
  await expect(preview().locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('d');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(preview().locator('html')).toHaveAttribute('data-theme', 'light');
  const other = await context.newPage();
  await openDeck(other, '/?theme=dark#/title');
  await expect(other.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('the lab is driven from the speaker view too: T and U there train the ruler demo in the projected deck, and the preview shows its figures and saliency', async ({
  page,
  context,
}) => {
  await openDeck(page, '/?backend=wasm#/ruler-live');
  const ruler = page.locator('figure[data-demo="shortcut"]');
  await expect(ruler).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  const { speaker, preview } = await openSpeakerView(page, context);
  const mirrored = preview().locator('figure[data-demo="shortcut"]');
  await expect(mirrored).toHaveAttribute('data-demo-state', 'ready');
  await speaker.keyboard.press('t');
  await expect(ruler).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(ruler).toHaveAttribute('data-saliency-ruler', /\d/, { timeout: 30_000 });
  for (const name of [
    'data-state',
    'data-ruler',
    'data-train-accuracy',
    'data-marked-accuracy',
    'data-flipped-share',
    'data-saliency-ruler',
  ]) {
    await expect(mirrored, name).toHaveAttribute(name, (await ruler.getAttribute(name))!, { timeout: 2000 });
  }
  // The preview paints the same saliency map.
  const picture = (frame: Page | Frame) =>
    frame.locator('figure[data-demo="shortcut"] canvas.ruler-heat').evaluate((c: HTMLCanvasElement) => c.toDataURL());
  expect(await picture(preview())).toBe(await picture(page));
  await speaker.keyboard.press('u');
  await expect(ruler).toHaveAttribute('data-ruler', 'off');
  await expect(ruler).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(mirrored).toHaveAttribute('data-ruler', 'off');
  await expect(mirrored).toHaveAttribute('data-flipped-share', (await ruler.getAttribute('data-flipped-share'))!, { timeout: 2000 });
});
