/**
 * The deck built for publishing under a folder (npm run build:base:
 * SITE_URL=https://example.org, BASE_PATH=/intro-to-deep-learning/), served
 * under that folder. Every asset, shard and deep link must resolve there.
 */
import { expect, test } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const BASE = '/intro-to-deep-learning/';

test('under a base path, the deck, its assets, a deep link and the MNIST shards all resolve inside the folder', async ({ page }) => {
  const paths: string[] = [];
  const failed: string[] = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  await page.goto(`${BASE}#/explore-the-data`);
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await expect(page.locator('section#explore-the-data')).toHaveClass(/present/);
  await expect(page.locator('#explore-the-data figure[data-demo="mnist-explore"]')).toHaveAttribute('data-state', 'ready', {
    timeout: 20_000,
  });
  await page.evaluate(() => (location.hash = '#/sgd-one-parameter'));
  await expect(page.locator('figure[data-demo="gradient-descent-1d"]')).toHaveAttribute('data-demo-state', 'ready');
  expect(failed).toEqual([]);
  expect(paths.filter((p) => !p.startsWith(BASE))).toEqual([]);
  expect(paths.some((p) => p.startsWith(`${BASE}mnist/train-00.`))).toBe(true);
  expect(paths.some((p) => p.startsWith(`${BASE}_astro/`))).toBe(true);
});

test('under a base path, the QR code carries the published address', async ({ page }) => {
  await page.goto(`${BASE}#/follow-along`);
  const qr = page.locator('section#follow-along figure.qr svg');
  await expect(qr).toBeVisible();
  const png = PNG.sync.read(await qr.screenshot());
  expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe('https://example.org/intro-to-deep-learning/');
});

test('under a base path, the service worker is scoped to the folder', async ({ page }) => {
  await page.goto(BASE);
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(new URL(scope).pathname).toBe(BASE);
});

test("under a base path, the reader's edition is served at read/ and links back into the folder", async ({ page }) => {
  const failed: string[] = [];
  const paths: string[] = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
  await page.goto(`${BASE}read/#sgd-one-parameter`);
  const figure = page.locator('#sgd-one-parameter figure.demo');
  await figure.scrollIntoViewIfNeeded();
  await expect(figure).toHaveAttribute('data-demo-state', 'ready');
  await expect(page.locator('#sgd-one-parameter .read-to-deck a')).toHaveAttribute('href', `${BASE}#/sgd-one-parameter`);
  expect(failed).toEqual([]);
  expect(paths.filter((p) => !p.startsWith(BASE))).toEqual([]);
});

test('a deck published without a relay works as before: no room, no request for one, and no follow features', async ({ page }) => {
  const paths: string[] = [];
  page.on('request', (r) => paths.push(new URL(r.url()).pathname));
  await page.goto(`${BASE}?follow#/vocabulary`);
  await expect(page.locator('.reveal.ready')).toHaveCount(1);
  await expect(page.locator('html')).toHaveAttribute('data-room', 'off');
  await page.waitForLoadState('networkidle');
  await expect(page.locator('.room-status')).toHaveCount(0);
  expect(paths.filter((p) => /__room|socket\.io/.test(p))).toEqual([]);
  expect(await page.locator('meta[name="deck-relay"]').count()).toBe(0);
});
