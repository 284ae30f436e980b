/**
 * The wall of the room's digits, with the real projector: the deck in
 * Chromium presents (it trains the live slide's network briefly, then shows
 * "Your digits"), and 300 simulated phones (socket.io-client in Node, on
 * loopback) each send one digit within 10 s. Measured:
 *
 * - that every digit is classified and answered (a `digit-result` reply
 *   with a guess reaches its phone);
 * - the time from sending to that answer, p50 and p95;
 * - the projector's longest main-thread task while the wall fills (the
 *   Long Tasks API, which reports tasks over 50 ms).
 *
 * Goals: none lost, p95 ≤ 1 s, no task over 50 ms. Run by
 * `npm run bench -- --room` after bench/room.ts; `node bench/room-wall.ts`
 * alone measures the build in dist/ (built with RELAY_URL=same-origin).
 */
import { chromium } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { chromiumArgs, findChromium } from '../scripts/chromium.ts';
import { serve } from '../scripts/serve.ts';
import { longTasks, recordLongTasks } from './long-tasks.ts';

const KEY = 'bench-room-wall-presenter-key-0001';

export interface WallResult {
  phones: number;
  sent: number;
  answered: number;
  refused: number;
  p50: number;
  p95: number;
  longestTaskMs: number;
  tasksOver50: number;
}

/** A stroke-like digit: a bar and a diagonal, slightly different for each phone. */
function digit(seed: number): number[] {
  const pixels = new Array<number>(784).fill(0);
  const shift = seed % 4;
  for (let x = 6 + shift; x < 22; x++) pixels[6 * 28 + x] = 1;
  for (let y = 7; y < 23; y++) pixels[y * 28 + Math.round(21 - (y - 7) * 0.5) - shift] = 1;
  return pixels;
}

export async function wallBench(options: { phones?: number; windowMs?: number; log?: (line: string) => void } = {}): Promise<WallResult> {
  const phones = options.phones ?? 300;
  const windowMs = options.windowMs ?? 10_000;
  const log = options.log ?? (() => {});
  const server = await serve({ dir: 'dist', base: '/', port: 0, host: false, isolation: true, presenterKey: KEY });
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
  const sockets: Socket[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(`${server.local}?presenter=${KEY}&backend=wasm&train-size=6000&test-size=1000&epochs=1#/live-training`);
    await page.waitForSelector('html[data-room="presenting"]', { timeout: 30_000 });
    await page.waitForSelector('figure[data-demo="mnist-training"][data-demo-state="ready"]', { timeout: 60_000 });
    await page.keyboard.press('t');
    await page.waitForSelector('figure[data-demo="mnist-training"][data-state="done"]', { timeout: 180_000 });
    await page.evaluate(() => (location.hash = '#/your-digits'));
    await page.waitForSelector('figure[data-demo="room-digits"][data-side="projector"]', { timeout: 30_000 });
    log('the projector has trained and shows the wall');
    await page.evaluate(recordLongTasks);
    const origin = new URL(server.local).origin;
    const sentAt = new Map<number, number>();
    const latencies: number[] = [];
    let refused = 0;
    for (let i = 0; i < phones; i++) {
      const socket = io(origin, {
        path: '/__room/',
        auth: { role: 'follower', phone: `wall-phone-${String(i).padStart(4, '0')}` },
        transports: ['websocket'],
        extraHeaders: { origin },
      });
      socket.on('reply', ({ kind, value }: { kind: string; value: { guess?: number } }) => {
        if (kind !== 'digit-result' || value.guess === undefined || !sentAt.has(i)) return;
        latencies.push(performance.now() - sentAt.get(i)!);
        sentAt.delete(i);
      });
      socket.on('refused', () => refused++);
      sockets.push(socket);
    }
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('welcome', () => resolve()))));
    log(`${phones} phones connected; each sends one digit within ${windowMs / 1000} s`);
    await Promise.all(
      sockets.map(
        (socket, i) =>
          new Promise<void>((resolve) =>
            setTimeout(
              () => {
                sentAt.set(i, performance.now());
                socket.emit('digit', { pixels: digit(i), label: 7 });
                resolve();
              },
              (i / phones) * windowMs,
            ),
          ),
      ),
    );
    const deadline = performance.now() + 20_000;
    while (latencies.length + refused < phones && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const tasks = await longTasks(page);
    latencies.sort((a, b) => a - b);
    const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN);
    return {
      phones,
      sent: phones,
      answered: latencies.length,
      refused,
      p50: q(0.5),
      p95: q(0.95),
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      tasksOver50: tasks.length,
    };
  } finally {
    for (const s of sockets) s.close();
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) {
  const result = await wallBench({ log: (line) => console.log(line) });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
