/** The MNIST data as the deck serves it, seen through the "explore the data" slide. */
import { expect, test } from '@playwright/test';
import { openDeck } from './deck.ts';

test('the exploration slide shows the real shapes and first training labels 5, 0, 4, 1, 9', async ({ page }) => {
  const shards: string[] = [];
  page.on('request', (r) => r.url().endsWith('.bin') && shards.push(new URL(r.url()).pathname));
  await openDeck(page, '/#/explore-the-data');
  const demo = page.locator('#explore-the-data figure[data-demo="mnist-explore"]');
  await expect(demo).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(demo.locator('.mnist-shapes')).toContainText('train_images.shape  (60000, 28, 28)');
  await expect(demo.locator('.mnist-shapes')).toContainText('test_images.shape   (10000, 28, 28)');
  const labels = await demo.locator('.mnist-label').allTextContents();
  expect(labels.slice(0, 5)).toEqual(['5', '0', '4', '1', '9']);
  // Training image 4 is drawn: its canvas holds ink.
  const ink = await demo.locator('canvas.mnist-big').evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! < 128) dark++;
    return dark;
  });
  expect(ink).toBeGreaterThan(60);
  // Beside it, a window of its values where the stroke is, large enough to read: 9 rows of 12.
  expect(await demo.locator('.mnist-pixels span').count()).toBe(108);
  expect(
    Number(await demo.locator('.mnist-pixels span').evaluateAll((s) => s.filter((x) => Number(x.textContent) > 0).length)),
  ).toBeGreaterThan(20);
  // Only the first training shard was needed.
  expect(shards).toHaveLength(1);
  expect(shards[0]).toMatch(/\/mnist\/train-00\.[0-9a-f]{10}\.bin$/);
});

test('the clicker steps through the reshape to 784 values and the scaling to [0, 1]', async ({ page }) => {
  await openDeck(page, '/#/explore-the-data');
  const demo = page.locator('#explore-the-data figure[data-demo="mnist-explore"]');
  await expect(demo).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  await expect(demo.locator('.mnist-step-1')).toBeHidden();
  await page.keyboard.press('Space');
  await expect(demo.locator('.mnist-step-1')).toBeVisible();
  await expect(demo.locator('.mnist-step-2')).toBeHidden();
  await page.keyboard.press('Space');
  await expect(demo.locator('.mnist-values')).toBeVisible();
  await expect(demo.locator('.mnist-values')).toHaveText(/^\[\d+ zeros…, 0\.\d{3}, .*shape \(784,\)$/);
});

test('a corrupted shard gives a clear error that names it, and "Try again" recovers', async ({ page }) => {
  let corrupt = true;
  await page.route('**/mnist/train-00.*.bin', async (route) => {
    const response = await route.fetch();
    const body = await response.body();
    if (corrupt) for (let i = 40; i < body.length - 16; i += 101) body[i] = body[i]! ^ 0xa5;
    await route.fulfill({ response, body });
  });
  await openDeck(page, '/#/explore-the-data');
  const demo = page.locator('#explore-the-data figure[data-demo="mnist-explore"]');
  await expect(demo).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
  const alert = demo.getByRole('alert');
  await expect(alert).toContainText(/The MNIST shard train-00\.[0-9a-f]{10}\.bin is corrupt: it does not decompress as gzip/);
  await expect(alert).toContainText('Try again');
  expect(await demo.locator('.mnist-label').count()).toBe(0);

  corrupt = false;
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(demo).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  expect((await demo.locator('.mnist-label').allTextContents()).slice(0, 5)).toEqual(['5', '0', '4', '1', '9']);
});

test('a shard that fails its checksum is refused and named', async ({ page }) => {
  await page.route('**/mnist/manifest.json', async (route) => {
    const response = await route.fetch();
    const manifest = await response.json();
    manifest.shards[0].sha256 = 'f'.repeat(64);
    await route.fulfill({ response, json: manifest });
  });
  await openDeck(page, '/#/explore-the-data');
  const demo = page.locator('#explore-the-data figure[data-demo="mnist-explore"]');
  await expect(demo).toHaveAttribute('data-state', 'error', { timeout: 20_000 });
  await expect(demo.getByRole('alert')).toContainText(/The MNIST shard train-00\.[0-9a-f]{10}\.bin failed its checksum/);
});

test('a reload takes the verified shard from Cache Storage instead of the network', async ({ page }) => {
  await openDeck(page, '/#/explore-the-data');
  const demo = page.locator('#explore-the-data figure[data-demo="mnist-explore"]');
  await expect(demo).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  const shards: string[] = [];
  page.on('request', (r) => r.url().endsWith('.bin') && shards.push(r.url()));
  await page.reload();
  await expect(demo).toHaveAttribute('data-state', 'ready', { timeout: 20_000 });
  expect(shards).toEqual([]);
  expect(await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('mnist-shards-')).length)).toBe(1);
});
