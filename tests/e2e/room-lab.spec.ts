/**
 * The room takes part: phones (390 × 844, touch) draw digits for the network
 * the projector just trained, and vote in a poll. A presenter's window and
 * three phones, through the relay of a server each test starts over dist/.
 */
import { expect, test, type Browser, type Frame, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { presenterGoesTo as goTo, useHall } from './hall.ts';

const KEY = 'room-lab-presenter-key-2b9e7d51c0';
/** A short run of the live slide, on WebAssembly. */
const SHORT = 'backend=wasm&train-size=1280&test-size=500&epochs=1';

test.describe.configure({ timeout: 180_000 });

/**
 * How often the relay takes a digit from one phone in these tests: a phone
 * sends its digits well apart from one another (drawing takes seconds), and
 * a second digit sent at once is refused whatever the machine's speed.
 */
const PHONE_DIGIT_RATE = { tokens: 1, everyMs: 60_000, burst: 3 };

const hall = useHall(KEY, { phoneDigitRate: PHONE_DIGIT_RATE });

const presenter = (browser: Browser, query = '') => hall().presenter(browser, query);

/** A phone from the QR code, once it follows. */
async function phone(browser: Browser): Promise<Page> {
  const page = await hall().phone(browser);
  await expect(page.locator('html')).toHaveAttribute('data-room', 'following', { timeout: 20_000 });
  return page;
}

/**
 * Opens reveal.js's speaker view (S) from the presenter's window and returns
 * its current-slide preview frame (the one that posts events): the
 * presenter's controls of the room's demos are there, not on the projector.
 */
async function speakerPreview(projector: Page): Promise<() => Frame> {
  const [speaker] = await Promise.all([projector.context().waitForEvent('page'), projector.keyboard.press('s')]);
  await speaker.waitForLoadState();
  const preview = () => speaker.frames().find((f) => f.url().includes('receiver') && f.url().includes('postMessageEvents=true'))!;
  await expect.poll(() => Boolean(preview()), { timeout: 10_000 }).toBe(true);
  return preview;
}

/** Draws a seven on a phone's pad with pointer strokes, as a finger would. */
async function drawSeven(page: Page): Promise<void> {
  const pad = page.locator('figure[data-demo="room-digits"] .rd-phone canvas.draw-canvas');
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const at = (x: number, y: number) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(0.25, 0.25));
  await page.mouse.down();
  for (const [x, y] of [
    [0.45, 0.25],
    [0.72, 0.25],
    [0.6, 0.5],
    [0.5, 0.72],
    [0.45, 0.8],
  ] as const)
    await page.mouse.move(...at(x, y), { steps: 4 });
  await page.mouse.up();
}

test('phones draw digits for the projector’s network: the wall shows them, each phone gets its probabilities, a hidden digit leaves every screen, and training with them reports before and after', async ({
  browser,
}) => {
  const projector = await presenter(browser, SHORT);
  await goTo(projector, 'live-training');
  const live = projector.locator('figure[data-demo="mnist-training"]');
  await expect(live).toHaveAttribute('data-demo-state', 'ready', { timeout: 60_000 });
  await projector.keyboard.press('t');
  await expect(live).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const phones = [await phone(browser), await phone(browser), await phone(browser)];
  await goTo(projector, 'your-digits');
  const wall = projector.locator('figure[data-demo="room-digits"]');
  await expect(wall).toHaveAttribute('data-side', 'projector');
  for (const p of phones) {
    await expect(p.locator('html')).toHaveAttribute('data-room-slide', 'your-digits');
    await expect(p.locator('figure[data-demo="room-digits"]')).toHaveAttribute('data-side', 'phone', { timeout: 20_000 });
  }
  // Three rounds of a seven from each phone: nine digits, enough to train with
  // after one is hidden. The relay here lets a phone send three digits at once (PHONE_DIGIT_RATE).
  for (let round = 1; round <= 3; round++) {
    for (const p of phones) {
      const figure = p.locator('figure[data-demo="room-digits"]');
      await drawSeven(p);
      await figure.getByRole('button', { name: '7', exact: true }).tap();
      await figure.getByRole('button', { name: 'Send' }).tap();
    }
    await expect(wall).toHaveAttribute('data-count', String(3 * round), { timeout: 30_000 });
  }
  await expect(wall).toHaveAttribute('data-room-accuracy', /^\d\.\d{4}$/, { timeout: 30_000 });
  await expect(wall).toHaveAttribute('data-test-accuracy', /^0\.\d{4}$/);
  // Each phone is told what the network made of its own digit: ten probabilities.
  for (const p of phones) await expect(p.locator('figure[data-demo="room-digits"] .draw-bars .bar')).toHaveCount(10, { timeout: 30_000 });
  // The presenter hides one, in the speaker view (the projector shows no Hide button):
  // it leaves the projector's count and every phone's wall.
  for (const p of phones) await expect(p.locator('.rd-phone-wall .rd-digit:not(.hidden)')).toHaveCount(9, { timeout: 10_000 });
  await expect(wall.locator('.rd-wall .rd-digit')).toHaveCount(9);
  await expect(wall.locator('button:visible')).toHaveCount(0);
  const preview = await speakerPreview(projector);
  const mirrored = preview().locator('figure[data-demo="room-digits"]');
  await expect(mirrored).toHaveAttribute('data-count', '9', { timeout: 20_000 });
  await mirrored.locator('.rd-hide').first().click();
  await expect(wall).toHaveAttribute('data-count', '8');
  await expect(wall.locator('.rd-wall .rd-digit.hidden')).toHaveCount(1);
  for (const p of phones) await expect(p.locator('.rd-phone-wall .rd-digit:not(.hidden)')).toHaveCount(8);
  // Train with your digits (they were all sevens, drawn alike): held-out accuracy before and after.
  await projector.keyboard.press('y');
  await expect(wall).toHaveAttribute('data-heldout-after', /^\d\.\d{4}$/, { timeout: 120_000 });
  await expect(wall).toHaveAttribute('data-heldout-before', /^\d\.\d{4}$/);
});

test('a poll collects the phones’ votes, one each and changeable while it is open, and shows them when the presenter reveals them', async ({
  browser,
}) => {
  const projector = await presenter(browser);
  const phones = [await phone(browser), await phone(browser), await phone(browser)];
  // A slide without the room's part has no join strip; the poll's has one, for latecomers, with the follow link.
  await goTo(projector, 'mnist');
  await expect(projector.locator('.join-strip')).toBeHidden();
  await goTo(projector, 'predict-model-comparison');
  const strip = projector.locator('.join-strip');
  await expect(strip).toBeVisible();
  await expect(strip).toHaveAttribute('data-follow', /\?follow=[A-Za-z0-9_-]{16}$/);
  await expect(strip.locator('.join-code svg')).toHaveCount(1);
  await expect(strip.locator('.join-address')).toHaveText(new URL(hall().server.local).host);
  const poll = projector.locator('figure[data-poll="which-model"]');
  await expect(poll).toHaveAttribute('data-demo-state', 'ready');
  await projector.keyboard.press('v');
  await expect(poll).toHaveAttribute('data-state', 'open');
  const choices = ['The lecture’s network', 'A small convnet', 'A small convnet'];
  for (const [i, p] of phones.entries()) {
    const figure = p.locator('figure[data-poll="which-model"]');
    await expect(figure).toHaveAttribute('data-state', 'open', { timeout: 20_000 });
    await figure.getByRole('button', { name: /Logistic regression/ }).tap();
    await figure.getByRole('button', { name: new RegExp(choices[i]!) }).tap();
  }
  await expect(poll).toHaveAttribute('data-total', '3', { timeout: 20_000 });
  // The projector shows only how many have voted until it reveals: no bars, no counts; and no button, no key, which are the speaker view's.
  await expect(poll).toContainText('3 votes');
  await expect(poll.locator('.poll-count:visible')).toHaveCount(0);
  await expect(poll.locator('.poll-fill:visible')).toHaveCount(0);
  await expect(poll.locator('button:visible')).toHaveCount(0);
  await expect(poll).not.toContainText('Press V');
  await projector.keyboard.press('v');
  await expect(poll).toHaveAttribute('data-state', 'closed');
  await projector.keyboard.press('v');
  await expect(poll).toHaveAttribute('data-state', 'revealed');
  await expect(poll).toHaveAttribute('data-votes', '[0,1,2]');
  for (const p of phones) await expect(p.locator('figure[data-poll="which-model"]')).toHaveAttribute('data-votes', '[0,1,2]');
});

test('a malformed digit is refused with a message on the phone, and the wall does not change', async ({ browser }) => {
  const projector = await presenter(browser);
  await goTo(projector, 'your-digits');
  const wall = projector.locator('figure[data-demo="room-digits"]');
  await expect(wall).toHaveAttribute('data-count', '0');
  const origin = new URL(hall().server.local).origin;
  const crafted = io(origin, {
    path: '/__room/',
    auth: { role: 'follower', phone: 'malformed-phone-0001' },
    transports: ['websocket'],
    extraHeaders: { origin },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      crafted.once('welcome', () => resolve());
      crafted.once('connect_error', reject);
    });
    const refused = new Promise<{ event: string; reason: string }>((resolve) => crafted.once('refused', resolve));
    crafted.emit('digit', { pixels: Array.from({ length: 785 }, () => 0.5), label: 11 });
    const reason = await refused;
    expect(reason.event).toBe('digit');
    expect(reason.reason).toMatch(/digit/i);
    await expect.poll(() => hall().server.relay!.stats().dropped.invalid).toBeGreaterThanOrEqual(1);
    await expect(wall).toHaveAttribute('data-count', '0');
  } finally {
    crafted.close();
  }
});

test('a phone that sends too fast is told so, on the phone, and the digit over its rate does not reach the wall', async ({ browser }) => {
  const projector = await presenter(browser);
  await goTo(projector, 'your-digits');
  const wall = projector.locator('figure[data-demo="room-digits"]');
  const p = await phone(browser);
  const figure = p.locator('figure[data-demo="room-digits"]');
  await expect(figure).toHaveAttribute('data-side', 'phone', { timeout: 20_000 });
  // Three digits at once are the most this relay takes from a phone (PHONE_DIGIT_RATE); the fourth is one too many.
  for (let i = 0; i < 4; i++) {
    await drawSeven(p);
    await figure.getByRole('button', { name: '7', exact: true }).tap();
    await figure.getByRole('button', { name: 'Send' }).tap();
  }
  await expect(figure.locator('.draw-status')).toContainText('One digit every 60 seconds', { timeout: 20_000 });
  await expect(wall).toHaveAttribute('data-count', '3');
});
