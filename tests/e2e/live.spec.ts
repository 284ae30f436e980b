/**
 * The live training slide in Chromium, with WebGPU through SwiftShader. It is
 * slow there (about a second per batch of 128), so runs are kept to a few
 * hundred examples with the documented URL parameters.
 */
import { chromium, expect, test, type Page } from '@playwright/test';
import { chromiumArgs, findChromium } from '../../scripts/chromium.ts';
import { openSlide } from './deck.ts';
import { measure, MINIMUM } from './measure.ts';

const SHORT = 'train-size=384&test-size=500&epochs=2';
const demo = (page: Page) => page.locator('figure[data-demo="mnist-training"]');

/** Records every value the demo's data-state and data-loss take. */
async function recordStates(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: { state: string[]; loss: number[] } = { state: [], loss: [] };
    (window as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target as HTMLElement;
        if (el.dataset.demo !== 'mnist-training') continue;
        if (r.attributeName === 'data-state' && el.dataset.state && seen.state.at(-1) !== el.dataset.state)
          seen.state.push(el.dataset.state);
        if (r.attributeName === 'data-loss' && el.dataset.loss) seen.loss.push(Number(el.dataset.loss));
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state', 'data-loss'] });
  });
}

async function openLive(page: Page, query = SHORT): Promise<void> {
  await openSlide(page, 'live-training', query);
  await expect(demo(page)).toHaveAttribute('data-state', 'idle');
}

test.describe.configure({ timeout: 180_000 });

test('T trains the network on WebGPU when asked: idle → loading → training → done, the loss falls, test accuracy far above chance', async ({
  page,
}) => {
  await recordStates(page);
  await openLive(page, `${SHORT}&backend=webgpu`);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(demo(page)).toHaveAttribute('data-backend', 'webgpu');
  await expect(demo(page).locator('.live-backend')).toHaveText('WebGPU');
  await expect(demo(page).locator('.live-choice')).toHaveText('Chosen by the address');
  const seen = await page.evaluate(() => (window as unknown as { seen: { state: string[]; loss: number[] } }).seen);
  expect(seen.state).toEqual(['idle', 'queued', 'loading', 'training', 'done']);
  expect(seen.loss.length).toBeGreaterThanOrEqual(2);
  expect(seen.loss.at(-1)!).toBeLessThan(seen.loss[0]!);
  expect(Number(await demo(page).getAttribute('data-test-accuracy'))).toBeGreaterThan(0.4);
  expect(Number(await demo(page).getAttribute('data-step'))).toBe(6);
  expect(Number(await demo(page).getAttribute('data-examples-per-second'))).toBeGreaterThan(0);
  // What the audience sees: two test accuracies beside the reference, a confusion matrix, guesses.
  await expect(demo(page).locator('.live-chart .points path')).toHaveCount(2);
  await expect(demo(page).locator('.live-chart .chart-legend')).toHaveText('Keras 0.98');
  await expect(demo(page).locator('.live-confusion')).toBeVisible();
  expect(await demo(page).locator('.live-confusion .diagonal').count()).toBe(10);
  await expect(demo(page).locator('.progress-text')).toContainText(/Done: 2 epochs, 6 steps in \d+:\d\d\. Test accuracy \d+\.\d%/);
  await expect(demo(page).locator('.live [aria-live="polite"].sr-only')).toHaveText(
    /^Training done after 2 epochs: test accuracy \d+\.\d%\.$/,
  );
});

test('WebGPU, with its own fused optimizer kernels, trains to the same numbers as WebAssembly from the same seed', async ({ page }) => {
  const run = async (backend: string) => {
    await openLive(page, `${SHORT}&backend=${backend}`);
    await page.keyboard.press('t');
    await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
    await expect(demo(page)).toHaveAttribute('data-backend', backend);
    return {
      loss: Number(await demo(page).getAttribute('data-loss')),
      accuracy: Number(await demo(page).getAttribute('data-test-accuracy')),
    };
  };
  const gpu = await run('webgpu');
  const wasm = await run('wasm');
  // Float rounding differs between the two; a wrong update rule moves the loss by hundredths within 6 steps.
  expect(Math.abs(gpu.loss - wasm.loss)).toBeLessThan(0.002);
  expect(Math.abs(gpu.accuracy - wasm.accuracy)).toBeLessThanOrEqual(0.004);
});

test('after five epochs near the top of the accuracy chart, no label covers another, and the progress bar is full', async ({ page }) => {
  await openLive(page, 'backend=wasm&train-size=5888&test-size=1000&epochs=5');
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  expect(Number(await demo(page).getAttribute('data-test-accuracy'))).toBeGreaterThan(0.85);
  const chart = demo(page).locator('.live-chart').nth(1);
  await expect(chart.locator('.points path')).toHaveCount(5);
  const boxes = await chart
    .locator('text')
    .evaluateAll((texts) =>
      texts.map((t) => ({ text: t.textContent, ...(JSON.parse(JSON.stringify(t.getBoundingClientRect())) as DOMRect) })),
    );
  const overlaps = boxes.flatMap((a, i) =>
    boxes
      .slice(i + 1)
      .filter((b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
      .map((b) => `${a.text} × ${b.text}`),
  );
  expect(overlaps).toEqual([]);
  const [fill, bar] = await Promise.all([
    demo(page).locator('.progress-fill').boundingBox(),
    demo(page).locator('.progress-bar').boundingBox(),
  ]);
  expect(fill!.width).toBeGreaterThan(bar!.width - 4);
});

test('the digits grid marks right and wrong guesses by more than colour, and pausing offers the drawing pad', async ({ page }) => {
  await openLive(page, 'train-size=30000&test-size=500&epochs=1');
  await page.keyboard.press('t');
  await expect(demo(page).locator('.grid-cell[data-guess]').first()).toBeVisible({ timeout: 60_000 });
  const guesses = await demo(page).locator('.grid-cell .guess').allTextContents();
  expect(guesses.length).toBe(24);
  for (const g of guesses) expect(g).toMatch(/^\d [✓✗]$/);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'paused');
  const canvas = demo(page).locator('canvas.draw-canvas');
  await expect(canvas).toBeVisible();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.5, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.85, { steps: 8 });
  await page.mouse.up();
  await expect(demo(page).locator('.live-draw')).toHaveAttribute('data-best', /^\d$/, { timeout: 30_000 });
  const values = (await demo(page).locator('.bar-value').allTextContents()).map((t) => Number(t.replace('%', '')));
  expect(values).toHaveLength(10);
  expect(values.reduce((a, b) => a + b, 0)).toBeGreaterThan(95);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', /training|done/);
});

test('leaving the slide does not stop training; coming back shows where it is', async ({ page }) => {
  await openLive(page, 'train-size=60000&test-size=200&epochs=1');
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'training', { timeout: 60_000 });
  const before = Number((await demo(page).getAttribute('data-step')) ?? 0);
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('section#live-training')).not.toHaveClass(/present/);
  // Off screen, the run goes on: its figure's step keeps rising.
  await expect.poll(async () => Number(await demo(page).getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(before + 20);
  const away = Number(await demo(page).getAttribute('data-step'));
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('section#live-training')).toHaveClass(/present/);
  await expect.poll(async () => Number(await demo(page).getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(away);
});

test('reset cancels a run and brings the live tensors back to where they were, three times over', async ({ page }) => {
  await openLive(page, 'backend=wasm&train-size=30000&test-size=200&epochs=1');
  let before: string | null = null;
  for (let cycle = 0; cycle < 3; cycle++) {
    await page.keyboard.press('t');
    await expect(demo(page)).toHaveAttribute('data-state', 'training', { timeout: 90_000 });
    // Tensors of the worker at rest between runs: the data store and the kept weights of the last finished run.
    await page.keyboard.press('r');
    await expect(demo(page)).toHaveAttribute('data-state', 'idle');
    await expect(demo(page)).toHaveAttribute('data-step', '0');
    await expect.poll(async () => demo(page).getAttribute('data-tensors')).not.toBeNull();
    const now = await demo(page).getAttribute('data-tensors');
    if (before !== null) expect(now).toBe(before);
    before = now;
  }
});

test('a lost WebGPU device is reported and training goes on with the next backend from the last good weights', async ({ page }) => {
  await openLive(page, `${SHORT}&backend=webgpu&fault=device-lost@2`);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(demo(page)).toHaveAttribute('data-backend', 'webgl');
  await expect(demo(page).locator('.live-notice')).toContainText(
    /WebGPU stopped at step .*the device failed.*Training goes on with WebGL from step \d+, the last good weights\./,
  );
  expect(Number(await demo(page).getAttribute('data-test-accuracy'))).toBeGreaterThan(0.3);
});

test('a NaN loss is reported and training goes on with the next backend from the last good weights', async ({ page }) => {
  await openLive(page, `${SHORT}&backend=webgpu&fault=nan@2`);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 150_000 });
  await expect(demo(page).locator('.live-notice')).toContainText(/the loss stopped being a number/);
  expect(Number(await demo(page).getAttribute('data-loss'))).toBeLessThan(3);
});

test('a training worker whose thread blocks is replaced, says so, and the run trains to done', async ({ page }) => {
  // hang@0 blocks the worker's thread as the run arrives, as Firefox's threaded WebAssembly start sometimes deadlocks.
  await openLive(page, `${SHORT}&backend=wasm&fault=hang@0`);
  await page.keyboard.press('t');
  await expect(demo(page).locator('.live-notice')).toContainText(
    /The training worker stopped answering as its backend started, so a new one took over and trains again from the start\./,
    { timeout: 30_000 },
  );
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  expect(Number(await demo(page).getAttribute('data-test-accuracy'))).toBeGreaterThan(0.3);
});

test('a data error shows its message and a retry button', async ({ page }) => {
  let fail = true;
  await page.route('**/mnist/train-00.*.bin', (route) => (fail ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
  await openLive(page, 'train-size=128&test-size=200&epochs=1');
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'error', { timeout: 60_000 });
  await expect(demo(page).getByRole('alert')).toContainText(/The server answered 503 .* for the MNIST shard train-00\./);
  fail = false;
  await demo(page).getByRole('button', { name: 'Try again' }).click();
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
});

test('at the default address with only a software WebGL, the slide chooses WebAssembly by measurement, says why, and uses both cores', async ({
  baseURL,
}) => {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: chromiumArgs().filter((a) => !/webgpu|swiftshader/.test(a)),
  });
  try {
    const page = await browser.newPage({ baseURL, viewport: { width: 1280, height: 720 } });
    await openLive(page);
    await page.keyboard.press('t');
    await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(demo(page)).toHaveAttribute('data-backend', 'wasm');
    await expect(demo(page)).toHaveAttribute(
      'data-backend-choice',
      /^measured: WebAssembly [\d,]+ ex\/s · WebGL passed over \(emulated GPU\)$/,
    );
    await expect(demo(page).locator('.live-choice')).toHaveText(/^measured [\d,]+ ex\/s; emulated GPU skipped$/);
    await expect(demo(page).locator('.live-choice')).toHaveAttribute(
      'title',
      /^Measured: WebAssembly [\d,]+ ex\/s · WebGL passed over \(emulated GPU\)$/,
    );
    await expect(demo(page)).toHaveAttribute('data-threads', '2');
    await expect(demo(page).locator('.live-backend')).toHaveText('WebAssembly · 2 threads');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(Number(await demo(page).getAttribute('data-test-accuracy'))).toBeGreaterThan(0.4);
  } finally {
    await browser.close();
  }
});

test('with WebGPU on SwiftShader, the choice is measured too, and the emulated GPU is passed over with its name', async ({ page }) => {
  await openLive(page);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(demo(page)).toHaveAttribute('data-backend', 'wasm');
  await expect(demo(page)).toHaveAttribute(
    'data-backend-choice',
    /^measured: WebAssembly [\d,]+ ex\/s · WebGPU passed over \(emulated GPU\) · WebGL passed over \(emulated GPU\)$/,
  );
});

test('one and two WebAssembly threads train to the same loss from the same seed', async ({ page }) => {
  const run = async (threads: string) => {
    await openLive(page, `${SHORT}&backend=wasm&threads=${threads}`);
    await page.keyboard.press('t');
    await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
    await expect(demo(page)).toHaveAttribute('data-threads', threads);
    return Number(await demo(page).getAttribute('data-loss'));
  };
  const one = await run('1');
  const two = await run('2');
  expect(Math.abs(one - two)).toBeLessThan(0.002);
});

test("runs side by side: after a run, a changed setting trains beside it, with faded curves, a legend and each run's accuracy; one can be removed", async ({
  page,
}) => {
  await openLive(page, 'backend=wasm&train-size=1280&test-size=300&epochs=1');
  await expect(demo(page)).toHaveAttribute('data-runs', '0');
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  // The next run's settings open over the slide and close again, leaving the slide's row to the legend.
  const settings = page.getByRole('dialog', { name: 'The next run' });
  await expect(settings).toBeHidden();
  await demo(page).locator('.panel-open').click();
  await expect(settings).toBeVisible();
  await settings.locator('select[data-field="optimizer"]').selectOption('sgd');
  await expect(settings.locator('select[data-field="learningRate"]')).toHaveValue('0.01');
  await settings.getByRole('button', { name: 'Done' }).click();
  await expect(settings).toBeHidden();
  await expect(demo(page).locator('.panel-open')).toHaveText(/Next:\s*SGD · lr 0\.01/);
  await demo(page).getByRole('button', { name: 'Train next' }).click();
  await expect(demo(page)).toHaveAttribute('data-runs', '2');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const legend = demo(page).locator('.panel-runs li');
  await expect(legend).toHaveCount(2);
  await expect(legend.nth(0)).toContainText(/1the lecture’s program\d+\.\d%/);
  await expect(legend.nth(1)).toContainText(/2SGD · lr 0\.01\d+\.\d%/);
  await expect(demo(page).locator('.live-chart').first().locator('.others g')).toHaveCount(1);
  await expect(demo(page).locator('.live-chart').nth(1).locator('.others path')).toHaveAttribute('d', /^M/);
  await legend
    .nth(0)
    .getByRole('button', { name: /Remove run 1/ })
    .click();
  await expect(demo(page)).toHaveAttribute('data-runs', '1');
  await expect(demo(page).locator('.live-chart').first().locator('.others g')).toHaveCount(0);
});

test('a prepared link opens a comparison: its runs train one after another from the first T', async ({ page }) => {
  await openLive(page, 'backend=wasm&train-size=640&test-size=300&epochs=1&runs=keras~units:32~model:logistic');
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-runs', '3', { timeout: 120_000 });
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(demo(page).locator('.panel-runs li .run-label')).toHaveText(['the lecture’s program', 'Dense 32', 'Logistic']);
  for (const result of await demo(page).locator('.panel-runs .run-result').allTextContents()) expect(result).toMatch(/^\d+\.\d%$/);
  // Full of runs, confusion matrix and templates, the slide still fits the projector at lecture sizes.
  const m = await measure(page, 'live-training');
  expect(m.clipped).toEqual([]);
  for (const kind of ['body', 'figure'] as const)
    if (m.smallest[kind]) expect(m.smallest[kind]!.px, m.smallest[kind]!.what).toBeGreaterThanOrEqual(MINIMUM[kind] - 0.05);
});

test("the first layer's templates are drawn, and change while the network trains", async ({ page }) => {
  await openLive(page, 'backend=wasm&train-size=6000&test-size=300&epochs=2');
  await page.keyboard.press('t');
  const templates = demo(page).locator('.live-templates');
  await expect(templates).toBeVisible({ timeout: 60_000 });
  // Four hidden units, one row, each large enough to show its strokes.
  await expect(templates.locator('canvas')).toHaveCount(4);
  const picture = () =>
    templates
      .locator('canvas')
      .first()
      .evaluate((c) => (c as HTMLCanvasElement).toDataURL());
  const first = await picture();
  await expect.poll(picture, { timeout: 60_000 }).not.toBe(first);
  await expect(templates).toHaveAttribute('data-limit', /^\d+\.\d+$/);
});

test('?backend=wasm trains on WebAssembly, with the wasm binaries served by the site', async ({ page }) => {
  const wasm: string[] = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && wasm.push(r.url()));
  await openLive(page, `${SHORT}&backend=wasm`);
  await page.keyboard.press('t');
  await expect(demo(page)).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(demo(page)).toHaveAttribute('data-backend', 'wasm');
  expect(wasm.length).toBeGreaterThan(0);
  for (const url of wasm) expect(new URL(url).host).toBe(new URL(page.url()).host);
});
