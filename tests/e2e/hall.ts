/**
 * A lecture hall for the room's browser tests and benches: the built deck
 * (dist/, built with `RELAY_URL=same-origin`) served with its relay on a
 * loopback port, as `npm start` serves it, and the presenter's window and
 * phones, each in a browser context of its own, closed together.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { serve, type RunningServer } from '../../scripts/serve.ts';
import type { RelayLimits } from '../../src/room/relay.ts';

/** A phone in the hall: the size, touch and pixel density of a common one. */
export const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;

/**
 * The deck and its relay on a free loopback port, with `key` as the
 * presenter's key. Its key file lies in a fresh temporary folder unless one
 * is given, so that a server started again on it keeps the room, as `npm
 * start` does.
 */
export function serveHall(key: string, options: { keyFile?: string; port?: number; relayLimits?: Partial<RelayLimits> } = {}) {
  return serve({
    dir: 'dist',
    base: '/',
    port: options.port ?? 0,
    host: false,
    isolation: true,
    presenterKey: key,
    ...(options.keyFile ? { keyFile: options.keyFile } : {}),
    ...(options.relayLimits ? { relayLimits: options.relayLimits } : {}),
  });
}

/** One test's hall: its server (which a test may restart), and the contexts it opened. */
export class Hall {
  readonly key: string;
  server: RunningServer;
  /** Where the server keeps its key and secret. */
  readonly keyFile: string;
  readonly #folder: string;
  readonly #contexts: BrowserContext[] = [];

  private constructor(key: string, server: RunningServer, folder: string) {
    this.key = key;
    this.server = server;
    this.#folder = folder;
    this.keyFile = join(folder, 'room.json');
  }

  static async open(key: string, relayLimits?: Partial<RelayLimits>): Promise<Hall> {
    const folder = mkdtempSync(join(tmpdir(), 'hall-'));
    const server = await serveHall(key, { keyFile: join(folder, 'room.json'), ...(relayLimits ? { relayLimits } : {}) });
    return new Hall(key, server, folder);
  }

  /** A browser context of this hall's, closed with it. */
  async context(browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    this.#contexts.push(context);
    return context;
  }

  /** The presenter's window at 1280 × 720, opened from the presenter's link (with `query` added), once it presents. */
  async presenter(browser: Browser, query = ''): Promise<Page> {
    const page = await (await this.context(browser, { viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(`${this.server.local}?presenter=${this.key}${query ? `&${query}` : ''}`);
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    await expect(page.locator('html')).toHaveAttribute('data-room', 'presenting', { timeout: 20_000 });
    return page;
  }

  /** A phone that opened `path` (the QR code's `?follow` by default), once its deck is ready. */
  async phone(browser: Browser, path = '?follow'): Promise<Page> {
    const page = await (await this.context(browser, PHONE)).newPage();
    await page.goto(`${this.server.local}${path}`);
    await expect(page.locator('.reveal.ready')).toHaveCount(1);
    return page;
  }

  async close(): Promise<void> {
    await Promise.all(this.#contexts.splice(0).map((c) => c.close()));
    await this.server.close();
    rmSync(this.#folder, { recursive: true, force: true });
  }
}

/** Moves the presenter's deck to a slide, as the clicker would get there. */
export async function presenterGoesTo(page: Page, id: string): Promise<void> {
  await page.evaluate((slide) => (location.hash = `#/${slide}`), id);
  await expect(page.locator('.reveal .slides section.present:not(.stack)').last()).toHaveAttribute('id', id);
}

/** Gives each test of a spec a hall of its own, opened before it and closed after it; returns the current one. */
export function useHall(key: string, relayLimits?: Partial<RelayLimits>): () => Hall {
  let hall: Hall | undefined;
  test.beforeEach(async () => {
    hall = await Hall.open(key, relayLimits);
  });
  test.afterEach(async () => {
    await hall?.close();
    hall = undefined;
  });
  return () => {
    if (!hall) throw new Error('the hall is open only while a test runs');
    return hall;
  };
}
