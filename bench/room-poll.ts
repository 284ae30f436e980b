/**
 * A hall voting as fast as the relay lets it, against the real projector:
 * the deck in Chromium presents the poll on #predict-model-comparison, and
 * 1,000 phones (socket.io-client in this process, each with the identity the
 * relay issued it) change their votes 30 times each, 30,000 votes, as fast as
 * the protocol's limit per phone allows, with the room's cap lifted: the
 * worst a relay could let through. The projector must stay
 * responsive (its longest main-thread task while the votes arrive; goal: none
 * over 50 ms) and end with the exact counts: each phone's last vote, which
 * this bench knows, against the figure's `data-votes`. Not part of `npm
 * test`; `npm run bench -- --room` runs it.
 */
import { chromium } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { serveHall } from '../tests/e2e/hall.ts';
import { longTasks, recordLongTasks } from './long-tasks.ts';
import { chromiumArgs, findChromium } from '../scripts/chromium.ts';
import { MESSAGES } from '../src/room/protocol.ts';

const KEY = 'Wq8nR2vT5yLp0ZbX3cKd7HsJ9mGf4Ue1';
const POLL = 'which-model';
const OPTIONS = 3;

export interface PollBenchResult {
  phones: number;
  /** Votes sent, forwarded to the projector (the relay's count), and refused with a reason. */
  sent: number;
  forwarded: number;
  refused: number;
  seconds: number;
  /** Votes a second that reached the projector. */
  perSecond: number;
  /** The projector's counts once the votes stopped, and what every phone's last vote adds up to. */
  counts: number[];
  expected: number[];
  exact: boolean;
  longestTaskMs: number;
  tasksOver50: number;
}

export async function pollBench(
  options: { phones?: number; changes?: number; log?: (line: string) => void } = {},
): Promise<PollBenchResult> {
  const phones = options.phones ?? 1000;
  const changes = options.changes ?? 30;
  const log = options.log ?? (() => {});
  // Every phone comes from this one loopback address: the limits per address, meant for one address among a hall's, are lifted;
  // so is the room's cap on votes a second, so that the projector meets the worst a relay could let through.
  const server = await serveHall(KEY, {
    relayLimits: {
      connectionsPerAddress: 100_000,
      newPhonesPerAddress: { tokens: 100_000, everyMs: 1000, burst: 100_000 },
      roomVotes: { tokens: 100_000, everyMs: 1000, burst: 100_000 },
    },
  });
  const browser = await chromium.launch({ executablePath: findChromium(), args: chromiumArgs() });
  const sockets: Socket[] = [];
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
    await page.goto(`${server.local}?presenter=${KEY}#/predict-model-comparison`);
    await page.waitForSelector('html[data-room="presenting"]', { timeout: 30_000 });
    const figure = `figure[data-demo="poll"][data-side="projector"]`;
    await page.waitForSelector(figure, { timeout: 30_000 });
    await page.keyboard.press('v');
    await page.waitForSelector(`${figure}[data-state="open"]`, { timeout: 10_000 });
    const origin = new URL(server.local).origin;
    for (let i = 0; i < phones; i++) {
      sockets.push(io(origin, { path: '/__room/', auth: { role: 'follower' }, transports: ['websocket'], extraHeaders: { origin } }));
    }
    await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.once('welcome', () => resolve()))));
    log(`${phones} phones connected; each changes its vote ${changes} times`);
    let refused = 0;
    for (const s of sockets) s.on('refused', () => refused++);
    await page.evaluate(recordLongTasks);
    const before = server.relay!.stats().forwarded;
    const last = new Array<number>(phones).fill(-1);
    const started = performance.now();
    // A phone's votes, spaced by the protocol's limit per connection: what the relay refuses comes from its other limits.
    const spacing = Math.ceil((MESSAGES.vote.limit.everyMs / MESSAGES.vote.limit.tokens) * 1.1);
    for (let round = 0; round < changes; round++) {
      sockets.forEach((socket, i) => {
        const option = (i + round) % OPTIONS;
        socket.emit('vote', { poll: POLL, option });
        last[i] = option;
      });
      await new Promise((resolve) => setTimeout(resolve, spacing));
    }
    const sent = phones * changes;
    const deadline = performance.now() + 30_000;
    while (server.relay!.stats().forwarded - before + refused < sent && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const forwarded = server.relay!.stats().forwarded - before;
    // With nothing refused, every phone's last vote is counted: the projector's counts must be these exactly.
    const expected = Array.from({ length: OPTIONS }, (_, option) => last.filter((o) => o === option).length);
    await page.keyboard.press('v');
    await page.keyboard.press('v');
    await page.waitForSelector(`${figure}[data-state="revealed"]`, { timeout: 10_000 });
    const counts = JSON.parse((await page.getAttribute(figure, 'data-votes')) ?? '[]') as number[];
    const tasks = await longTasks(page);
    return {
      phones,
      sent,
      forwarded,
      refused,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(forwarded / seconds),
      counts,
      expected,
      exact: refused === 0 && JSON.stringify(counts) === JSON.stringify(expected),
      longestTaskMs: Math.round(Math.max(0, ...tasks)),
      tasksOver50: tasks.filter((t) => t > 50).length,
    };
  } finally {
    for (const s of sockets) s.close();
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) {
  console.log(JSON.stringify(await pollBench({ log: (line) => console.log(line) }), null, 2));
  process.exit(0);
}
