/**
 * The lab: the lecture's claims measured live on the real MNIST, in
 * Chromium, on WebAssembly (SwiftShader's WebGPU is too slow for a convnet),
 * on subsets the address asks for.
 */
import { expect, test, type Page } from '@playwright/test';
import { RULER_PIXELS } from '../../src/mnist/ruler.ts';
import { openDeck, openSlide } from './deck.ts';

test.describe.configure({ timeout: 240_000 });

const fig = (page: Page, name: string) => page.locator(`figure[data-demo="${name}"]`);
const num = async (page: Page, name: string, attribute: string) => Number(await fig(page, name).getAttribute(attribute));

async function open(page: Page, name: string, query: string, slide: string): Promise<void> {
  await openSlide(page, slide, `backend=wasm&${query}`);
  await expect(fig(page, name)).toHaveAttribute('data-state', 'idle');
}

test('the model comparison trains logistic regression, the dense network and the convnet, one after another, and shows three accuracies', async ({
  page,
}) => {
  await open(page, 'model-comparison', 'train-size=1280&test-size=500&epochs=1', 'model-comparison');
  await page.keyboard.press('t');
  await expect(fig(page, 'model-comparison')).toHaveAttribute('data-state', 'training');
  await expect(fig(page, 'model-comparison')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  for (const model of ['logistic', 'dense', 'cnn']) {
    const accuracy = await num(page, 'model-comparison', `data-test-accuracy-${model}`);
    // Ten steps of 128 images: far above chance (0.1), far below a full run.
    expect(accuracy, model).toBeGreaterThan(0.3);
    expect(await num(page, 'model-comparison', `data-seconds-${model}`), model).toBeGreaterThan(0);
  }
  const shown = await fig(page, 'model-comparison').locator('.cmp-accuracy').allTextContents();
  expect(shown).toHaveLength(3);
  for (const text of shown) expect(text).toMatch(/^\d+\.\d%$/);
  await expect(fig(page, 'model-comparison').locator('.cmp-wrong').first()).toHaveText(/^\d+ of 500 test images wrong$/);
});

test('overfitting: on 500 images the training accuracy runs far above the test accuracy, and the gap is marked; on more images it closes', async ({
  page,
}) => {
  await open(page, 'overfitting', 'train-size=6000&test-size=500&epochs=2', 'overfitting');
  await page.keyboard.press('t');
  await expect(fig(page, 'overfitting')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const train = await num(page, 'overfitting', 'data-train-accuracy-small');
  const testAccuracy = await num(page, 'overfitting', 'data-test-accuracy-small');
  expect(train).toBeGreaterThan(0.95);
  expect(train - testAccuracy).toBeGreaterThan(0.08);
  expect(await num(page, 'overfitting', 'data-gap-small')).toBeCloseTo(train - testAccuracy, 3);
  await expect(fig(page, 'overfitting').locator('[data-run="small"] .epoch-gap path')).toHaveAttribute('d', /^M/);
  await expect(fig(page, 'overfitting').locator('[data-run="small"] .epoch-gap text')).toHaveText(/^gap \d+\.\d pts$/);
  expect(await num(page, 'overfitting', 'data-gap-full')).toBeLessThan(train - testAccuracy);
});

test('the ruler: the network reads the ruler, its saliency map lights up on it, and without the ruler the shortcut is gone', async ({
  page,
}) => {
  await open(page, 'shortcut', '', 'ruler-live');
  await page.keyboard.press('t');
  const ruler = fig(page, 'shortcut');
  await expect(ruler).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  await expect(ruler).toHaveAttribute('data-ruler', 'on');
  expect(await num(page, 'shortcut', 'data-train-accuracy')).toBeGreaterThanOrEqual(0.97);
  expect(await num(page, 'shortcut', 'data-flipped-share')).toBeGreaterThan(0.5);
  expect(await num(page, 'shortcut', 'data-marked-accuracy')).toBeLessThan((await num(page, 'shortcut', 'data-clean-accuracy')) - 0.3);
  // The saliency map: drawn, red where the ruler is.
  await expect(ruler).toHaveAttribute('data-saliency-ruler', /\d/, { timeout: 30_000 });
  const shareWithRuler = await num(page, 'shortcut', 'data-saliency-ruler');
  // The digit shown is one the network calls a zero; red where the ruler is: per pixel, the ruler weighs far more in the answer than the digit’s own strokes.
  const red = await ruler.locator('canvas.ruler-heat').evaluate((c: HTMLCanvasElement, pixels: readonly number[]) => {
    const d = c.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    const redness = (i: number) => d[i * 4]! - d[i * 4 + 1]!;
    const mean = (list: number[]) => list.reduce((a, b) => a + redness(b), 0) / list.length;
    const onRuler = new Set(pixels);
    const others = Array.from({ length: 784 }, (_, i) => i).filter((i) => !onRuler.has(i) && redness(i) > 0);
    return { ruler: mean([...pixels]), strokes: mean(others) };
  }, RULER_PIXELS);
  console.log(
    `ruler network: share of the answer on the ruler ${shareWithRuler}; mean red on the ruler ${red.ruler.toFixed(1)}, on the strokes ${red.strokes.toFixed(1)}`,
  );
  expect(red.ruler).toBeGreaterThan(2 * red.strokes);
  // Remove the ruler (U) and retrain.
  await page.keyboard.press('u');
  await expect(ruler).toHaveAttribute('data-ruler', 'off');
  await expect(ruler).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const clean = await num(page, 'shortcut', 'data-clean-accuracy');
  const marked = await num(page, 'shortcut', 'data-marked-accuracy');
  expect(Math.abs(clean - marked)).toBeLessThanOrEqual(0.03);
  expect(await num(page, 'shortcut', 'data-flipped-share')).toBeLessThan(0.05);
  await expect(ruler.locator('.ruler-bar-after')).toHaveCount(9);
  // The same stamped digit, through the network trained without the ruler: the ruler explains far less of its answer.
  await expect(ruler).toHaveAttribute('data-saliency-ruler', /\d/, { timeout: 30_000 });
  const shareWithout = await num(page, 'shortcut', 'data-saliency-ruler');
  console.log(`ruler-free network: share of saliency on the ruler ${shareWithout}`);
  expect(shareWithRuler).toBeGreaterThan(2 * shareWithout);
});

test('a digit’s path: a test digit, then a drawing, each answered with the hidden units, their templates and the probabilities', async ({
  page,
}) => {
  await open(page, 'digit-path', 'train-size=3000&epochs=1', 'digit-path');
  await page.keyboard.press('t');
  const path = fig(page, 'digit-path');
  await expect(path).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(path).toHaveAttribute('data-predicted', /^\d$/, { timeout: 30_000 });
  await expect(path).toHaveAttribute('data-source', 'test');
  await expect(path.locator('.path-units rect')).toHaveCount(512);
  await expect(path.locator('.path-template canvas')).toHaveCount(6);
  const firstTop = await path.getAttribute('data-top-units');
  await path.getByRole('button', { name: 'Next test digit' }).click();
  await expect(path).not.toHaveAttribute('data-top-units', firstTop!);
  // Draw a one: a vertical stroke.
  const canvas = path.locator('canvas.draw-canvas');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 10 });
  await page.mouse.up();
  await expect(path).toHaveAttribute('data-source', 'drawn');
  await expect(path.locator('.live-draw')).toHaveAttribute('data-best', /^\d$/, { timeout: 30_000 });
  await expect(path).toHaveAttribute('data-predicted', /^\d$/);
  await expect.poll(async () => Number(await path.getAttribute('data-active-units'))).toBeGreaterThan(0);
});

test('a comparison on the live slide round-trips through its link', async ({ page }) => {
  await openDeck(page, '/?backend=wasm&train-size=640&test-size=200&epochs=1#/live-training');
  const live = fig(page, 'mnist-training');
  await expect(live).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  await page.keyboard.press('t');
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await live.locator('.panel-open').click();
  const settings = page.getByRole('dialog', { name: 'The next run' });
  await settings.locator('select[data-field="model"]').selectOption('dense-32');
  await settings.getByRole('button', { name: 'Done' }).click();
  await live.getByRole('button', { name: 'Train next' }).click();
  await expect(live).toHaveAttribute('data-runs', '2');
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const href = await live.locator('.panel-link').getAttribute('href');
  expect(new URL(href!).searchParams.get('runs')).toBe('keras~model:dense-32');
  await page.goto(href!);
  await expect(live).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
  await page.keyboard.press('t');
  await expect(live).toHaveAttribute('data-runs', '2', { timeout: 90_000 });
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(live.locator('.panel-runs li .run-label')).toHaveText(['the lecture’s program', 'Dense 32']);
});
