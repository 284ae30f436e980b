/**
 * The room: a presenter's window and phones (390 × 844, touch) following it
 * through the relay that the deck's own server runs, as `npm start` serves
 * it. Each test starts its own server over dist/ (built with
 * RELAY_URL=same-origin) with a known presenter key, so that rooms do not
 * carry over from one test to the next, and the server can be stopped and
 * started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { freePort } from '../scale/services.ts';
import { PHONE, presenterGoesTo, serveHall, useHall, type Hall } from './hall.ts';

const KEY = 'room-test-presenter-key-7f3a9c2e41';
test.describe.configure({ timeout: 120_000 });

// Each test's server keeps its key and secret in a folder of its own, so that a restart keeps the room, as `npm start` does.
const hall = useHall(KEY);

const room = (page: Page) => page.locator('html').getAttribute('data-room');
const presenter = (browser: Parameters<Hall['presenter']>[0]) => hall().presenter(browser);
const phone = (browser: Parameters<Hall['phone']>[0], path?: string) => hall().phone(browser, path);

/** A phone shows the slide: the room says so, and it is the one in the address and on the screen. */
async function expectOn(page: Page, id: string): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('data-room-slide', id);
  await expect(page).toHaveURL(new RegExp(`#/${id}$`));
  await expect(page.locator(`section#${id}`)).toBeInViewport({ ratio: 0.3 });
}

test('phones follow the presenter’s slide, a phone that joins late lands on the current one, and none of them ever sees the key', async ({
  browser,
}) => {
  const projector = await presenter(browser);
  // The key left the address at once.
  expect(projector.url()).not.toContain(KEY);
  const phones = [await phone(browser), await phone(browser), await phone(browser)];
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'following');
  await presenterGoesTo(projector, 'why-deep');
  for (const p of phones) await expectOn(p, 'why-deep');
  await presenterGoesTo(projector, 'sgd-one-parameter');
  for (const p of phones) await expectOn(p, 'sgd-one-parameter');
  // The presenter's overview is the presenter's own: phones stay.
  await projector.keyboard.press('Escape');
  await expect(projector.locator('.reveal.overview')).toHaveCount(1);
  await projector.keyboard.press('ArrowRight');
  await projector.keyboard.press('Escape');
  const after = await projector.locator('.reveal .slides section.present:not(.stack)').last().getAttribute('id');
  for (const p of phones) await expectOn(p, after!);
  // A phone that joins late lands where the presenter is.
  const late = await phone(browser);
  await expectOn(late, after!);
  // The follow-along code names the room, not the key.
  await presenterGoesTo(projector, 'follow-along');
  const follow = projector.locator('section#follow-along figure.qr');
  await expect(follow).toHaveAttribute('data-follow', /\?follow=[A-Za-z0-9_-]{16}$/);
  expect(await follow.getAttribute('data-follow')).not.toContain(KEY);
  for (const p of [...phones, late]) {
    expect(await p.content()).not.toContain(KEY);
    const storage = await p.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie);
    expect(storage).not.toContain(KEY);
    expect(p.url()).not.toContain(KEY);
  }
});

test('a screen reader on a following phone hears each move once, the new slide’s title, and keeps its place unless it was on the slide left', async ({
  browser,
}) => {
  const projector = await presenter(browser);
  const p = await phone(browser);
  await expect(p.locator('html')).toHaveAttribute('data-room', 'following');
  // reveal.js's own region, which reads a whole slide at every change, keeps quiet while the phone follows.
  await expect(p.locator('.reveal .aria-status')).toHaveAttribute('aria-live', 'off');
  // Every text the phone's announcer is given, in order.
  await p.evaluate(() => {
    const region = document.querySelector('[data-room-announcer]')!;
    const said: string[] = [];
    (window as unknown as { said: string[] }).said = said;
    new MutationObserver(() => said.push(region.textContent ?? '')).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  const said = () => p.evaluate(() => (window as unknown as { said: string[] }).said);
  const title = async (id: string) => (await p.locator(`section#${id} :is(h1, h2, h3)`).first().textContent())!.replace(/\s+/g, ' ').trim();

  await presenterGoesTo(projector, 'why-deep');
  await expectOn(p, 'why-deep');
  const region = p.locator('[data-room-announcer]');
  await expect(region).toMatchAriaSnapshot(`- status: "Now on: ${await title('why-deep')}"`);
  // The reader is on the slide: focus goes with the lecture to the next one's heading.
  await p
    .locator('section#why-deep :is(h1, h2, h3)')
    .first()
    .evaluate((heading: HTMLElement) => {
      heading.tabIndex = -1;
      heading.focus();
    });
  await presenterGoesTo(projector, 'sgd-one-parameter');
  await expectOn(p, 'sgd-one-parameter');
  await expect(region).toMatchAriaSnapshot(`- status: "Now on: ${await title('sgd-one-parameter')}"`);
  await expect(p.locator('section#sgd-one-parameter :is(h1, h2, h3)').first()).toBeFocused();
  // Fragments on the same slide are not moves to announce.
  await projector.keyboard.press('ArrowRight');
  await expect(p.locator('html')).toHaveAttribute('data-room-slide', 'sgd-one-parameter');
  expect(await said()).toEqual([`Now on: ${await title('why-deep')}`, `Now on: ${await title('sgd-one-parameter')}`]);
  // A reader who browses on their own hears reveal.js again; the indicator's controls are buttons with names.
  await p.evaluate(() => (location.hash = '#/credits'));
  await expect(p.locator('html')).toHaveAttribute('data-room', 'free');
  await expect(p.locator('.reveal .aria-status')).toHaveAttribute('aria-live', 'polite');
  await expect(p.getByRole('button', { name: 'Back to live' })).toBeVisible();
  // On the projector, the slides reveal.js hides are out of the keyboard's reach.
  const unreachable = await projector.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.reveal .slides section[aria-hidden="true"]')].map((section) => section.inert),
  );
  expect(unreachable.length).toBeGreaterThan(10);
  expect(unreachable.every(Boolean)).toBe(true);
  expect(
    await projector
      .locator('.reveal .slides section.present')
      .first()
      .evaluate((section: HTMLElement) => section.inert),
  ).toBe(false);
});

test('a phone can browse on its own, says so, and comes back to the live slide with one tap', async ({ browser }) => {
  const projector = await presenter(browser);
  const reader = await phone(browser);
  await presenterGoesTo(projector, 'vocabulary');
  await expectOn(reader, 'vocabulary');
  // The reader goes elsewhere: the phone is free, and the presenter's moves no longer carry it.
  await reader.evaluate(() => (location.hash = '#/credits'));
  await expect(reader.locator('html')).toHaveAttribute('data-room', 'free');
  await presenterGoesTo(projector, 'real-world-tensors');
  await expect(reader.locator('html')).toHaveAttribute('data-room-slide', 'real-world-tensors');
  await expect(reader).toHaveURL(/#\/credits$/);
  await reader.getByRole('button', { name: 'Back to live' }).tap();
  await expect(reader.locator('html')).toHaveAttribute('data-room', 'following');
  await expectOn(reader, 'real-world-tensors');
});

test('a phone that sends a presenter’s message moves nobody', async ({ browser }) => {
  const projector = await presenter(browser);
  const watcher = await phone(browser);
  await presenterGoesTo(projector, 'vocabulary');
  await expectOn(watcher, 'vocabulary');
  const origin = new URL(hall().server.local).origin;
  const crafted = io(origin, {
    path: '/__room/',
    auth: { role: 'follower', phone: 'crafted-phone-0001' },
    transports: ['websocket'],
    extraHeaders: { origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      crafted.once('welcome', () => resolve());
      crafted.once('connect_error', reject);
    });
    const dropped = hall().server.relay!.stats().dropped.unknown;
    crafted.emit('place' as never, { slide: 'credits', h: 60, v: 0, f: -1 } as never);
    crafted.emit('state' as never, { key: 'wall', value: { digits: [] } } as never);
    await expect.poll(() => hall().server.relay!.stats().dropped.unknown).toBeGreaterThanOrEqual(dropped + 2);
    await expectOn(watcher, 'vocabulary');
    expect(await projector.evaluate(() => location.hash)).toBe('#/vocabulary');
  } finally {
    crafted.close();
  }
});

test('when the server restarts, the phones come back by themselves on the presenter’s slide', async ({ browser }) => {
  const projector = await presenter(browser);
  const phones = [await phone(browser), await phone(browser)];
  await presenterGoesTo(projector, 'image-tensors');
  for (const p of phones) await expectOn(p, 'image-tensors');
  const port = hall().server.port;
  await hall().server.close();
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'connecting');
  hall().server = await serveHall(KEY, { port, keyFile: hall().keyFile });
  const restarted = Date.now();
  // The presenter's deck restores the room by itself, and the phones are back within seconds.
  await expect(projector.locator('html')).toHaveAttribute('data-room', 'presenting', { timeout: 10_000 });
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'following', { timeout: 10_000 });
  for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room-slide', 'image-tensors', { timeout: 10_000 });
  expect(Date.now() - restarted).toBeLessThan(10_000);
  await presenterGoesTo(projector, 'mnist');
  for (const p of phones) await expectOn(p, 'mnist');
});

test('a second presenter window does not take over silently: it is told, and takes over when asked', async ({ browser }) => {
  const first = await presenter(browser);
  const second = await (await hall().context(browser, { viewport: { width: 1280, height: 720 } })).newPage();
  await second.goto(`${hall().server.local}?presenter=${KEY}`);
  await expect(second.locator('.room-status')).toContainText('Another presenter window is active');
  expect(await room(second)).not.toBe('presenting');
  const watcher = await phone(browser);
  await presenterGoesTo(first, 'vocabulary');
  await expectOn(watcher, 'vocabulary');
  await second.getByRole('button', { name: 'Take over' }).click();
  await expect(second.locator('html')).toHaveAttribute('data-room', 'presenting');
  await expect(first.locator('.room-status')).toContainText('Another presenter window is active');
  await presenterGoesTo(second, 'anatomy');
  await expectOn(watcher, 'anatomy');
});

test('the presenter’s key is nowhere in the build', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(html|js|css|json|svg|txt)$/.test(name) || name === '_headers') files.push(path);
    }
  };
  walk('dist');
  expect(files.length).toBeGreaterThan(10);
  for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(KEY);
});

/** `npm start`'s server in a process of its own, keeping its key in `dir`; resolves once it listens. */
function npmStart(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['scripts/serve.ts', '--port', String(port), '--dir', 'dist'], {
    // No DECK_PRESENTER_KEY: the server makes a key and keeps it in `dir`, as npm start does.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DECK_PRESENTER_KEY')), DECK_STATE_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let printed = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('Presenter:')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`npm start's server exited (${code}) before it listened:\n${printed}`)));
  });
}

test('after a kill -9 and a restart, every phone follows again, whether it opened the plain address or the QR code’s link', async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'room-kill-'));
  const port = await freePort();
  let child = await npmStart(port, dir);
  try {
    // The key npm start made and kept, as the presenter reads it from the banner.
    const { key } = JSON.parse(readFileSync(join(dir, 'room.json'), 'utf8')) as { key: string };
    const local = `http://localhost:${port}/`;
    const projector = await (await hall().context(browser, { viewport: { width: 1280, height: 720 } })).newPage();
    await projector.goto(`${local}?presenter=${encodeURIComponent(key)}`);
    await expect(projector.locator('html')).toHaveAttribute('data-room', 'presenting', { timeout: 20_000 });
    const open = async (path: string) => {
      const page = await (await hall().context(browser, PHONE)).newPage();
      await page.goto(`${local}${path}`);
      await expect(page.locator('html')).toHaveAttribute('data-room', 'following', { timeout: 20_000 });
      return page;
    };
    // One phone from the address the banner prints, one from the follow link the QR code carries.
    const plain = await open('');
    const remembered = await plain.evaluate(() => JSON.parse(localStorage.getItem('deck-room:identity') ?? '{}') as { room?: string });
    expect(remembered.room).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const scanned = await open(`?follow=${remembered.room}`);
    const phones = [plain, scanned];
    await presenterGoesTo(projector, 'image-tensors');
    for (const p of phones) await expectOn(p, 'image-tensors');

    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'connecting');
    child = await npmStart(port, dir);
    await expect(projector.locator('html')).toHaveAttribute('data-room', 'presenting', { timeout: 15_000 });
    const back = Date.now();
    for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room', 'following', { timeout: 5_000 });
    for (const p of phones) await expect(p.locator('html')).toHaveAttribute('data-room-slide', 'image-tensors', { timeout: 5_000 });
    expect(Date.now() - back).toBeLessThan(5_000);
    await presenterGoesTo(projector, 'mnist');
    for (const p of phones) await expectOn(p, 'mnist');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
