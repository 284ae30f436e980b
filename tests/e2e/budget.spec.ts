/**
 * What a phone pays to open the deck, measured as it happens: a cold phone
 * (412 × 915, touch, an empty cache) opens the built deck, and every byte on
 * the wire is counted as sent (compressed bodies and headers, the service
 * worker's requests included) until the network is idle. The deck is built
 * with its relay, as `npm start` serves it, and opened as the follow-along
 * QR code opens it; the reader's edition is measured the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

// No trace: its DOM snapshots lay out every slide, which loads every font, as no phone would.
test.use({ viewport: { width: 412, height: 915 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2.6, trace: 'off' });

/** Opens `path` in a fresh context and counts every byte sent over the wire until the network is idle. */
async function coldVisit(page: Page, path: string): Promise<{ total: number; paths: string[]; rows: string[] }> {
  const sizes: Promise<{ path: string; bytes: number; encoding: string | undefined }>[] = [];
  page.context().on('requestfinished', (request) =>
    sizes.push(
      Promise.all([request.sizes(), request.response()]).then(([s, response]) => ({
        path: new URL(request.url()).pathname,
        bytes: s.requestHeadersSize + s.responseHeadersSize + s.responseBodySize,
        encoding: response?.headers()['content-encoding'],
      })),
    ),
  );
  await page.goto(path);
  await expect(page.locator('.reveal.ready, .read-main')).not.toHaveCount(0);
  await page.waitForLoadState('networkidle');
  const all = await Promise.all(sizes);
  const total = all.reduce((n, r) => n + r.bytes, 0);
  const rows = all.sort((a, b) => b.bytes - a.bytes).map((r) => `${(r.bytes / 1024).toFixed(1)} KiB ${r.path} ${r.encoding ?? ''}`);
  return { total, paths: all.map((r) => r.path), rows };
}

test('a phone opening the deck from the QR code moves at most 170 KB before the network is idle, and no TensorFlow.js', async ({
  page,
}) => {
  const visit = await coldVisit(page, '/?follow');
  console.log(`the deck, cold, on a phone: ${(visit.total / 1024).toFixed(1)} KiB\n  ${visit.rows.join('\n  ')}`);
  expect(visit.total).toBeLessThanOrEqual(170_000);
  expect(visit.paths.filter((p) => /worker-|tfjs|\.wasm$|\.bin$/.test(p))).toEqual([]);
  // It follows the room, whose code came after the first slide.
  await expect(page.locator('html')).toHaveAttribute('data-room', /following|connecting/);
});

test('the reader’s edition, cold on a phone, moves at most 120 KB before the network is idle', async ({ page }) => {
  const visit = await coldVisit(page, '/read/');
  console.log(`the reader's edition, cold, on a phone: ${(visit.total / 1024).toFixed(1)} KiB\n  ${visit.rows.join('\n  ')}`);
  expect(visit.total).toBeLessThanOrEqual(120_000);
});

test('the server sends Brotli to a browser that accepts it, gzip to one that accepts only that, and the file itself to one that accepts neither', async ({
  request,
}) => {
  const script = readdirSync('dist/_astro').find((f) => /^Deck\.astro.*\.js$/.test(f))!;
  for (const path of ['/', `/_astro/${script}`]) {
    const br = await request.get(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers()['content-encoding'], path).toBe('br');
    expect(br.headers()['vary'], path).toMatch(/accept-encoding/i);
    const gz = await request.get(path, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers()['content-encoding'], path).toBe('gzip');
    const plain = await request.get(path, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers()['content-encoding'], path).toBeUndefined();
    // The same page in all three: the browser's decoding gives the file as built.
    const built = readFileSync(path === '/' ? 'dist/index.html' : `dist${path}`, 'utf8');
    for (const response of [br, gz, plain]) expect(await response.text()).toBe(built);
  }
  // The MNIST shards are gzip already: sent as they are.
  const shard = readdirSync('dist/mnist').find((f) => f.endsWith('.bin'))!;
  expect((await request.get(`/mnist/${shard}`, { headers: { 'accept-encoding': 'br' } })).headers()['content-encoding']).toBeUndefined();
});

test('a reading phone does not precache TensorFlow.js; reaching a slide that trains keeps it for offline use', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  const registration = await page.evaluate(async () => (await navigator.serviceWorker.ready).active !== null);
  expect(registration).toBe(true);
  const cached = () =>
    page.evaluate(async () => {
      const names: string[] = [];
      for (const key of await caches.keys())
        for (const request of await (await caches.open(key)).keys()) names.push(new URL(request.url).pathname);
      return names;
    });
  await expect.poll(async () => (await cached()).some((p) => p.endsWith('index.html') || p === '/'), { timeout: 30_000 }).toBe(true);
  expect((await cached()).filter((p) => /worker-|\.wasm$/.test(p))).toEqual([]);
  await page.evaluate(() => (location.hash = '#/live-training'));
  await expect
    .poll(async () => (await cached()).filter((p) => /\/_astro\/worker-[\w-]+\.js$|\.wasm$/.test(p)).length, { timeout: 30_000 })
    .toBe(4);
});
