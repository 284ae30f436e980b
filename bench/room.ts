/**
 * The room's relay under a lecture hall's load (src/room/relay.ts): how long
 * the presenter's move takes to reach every phone, whether any is lost, and
 * what each phone costs the relay in memory and CPU. Not part of `npm test`:
 * timings do not belong in tests.
 *
 *   node bench/room.ts            100, 500 and 1,000 phones follow 30 moves, 200 ms apart
 *   node bench/room.ts --digits   300 phones each send one digit within 10 s to a presenter that
 *                                 replies at once: does every digit get its reply, and how fast
 *   --write                       also write the figures to bench/room-results.json
 *
 * The relay runs in a child process of its own on 127.0.0.1 (this file,
 * started with --child), so that its memory and CPU are measured apart from
 * the clients', which all run here, on websocket only, sharing one clock
 * with the presenter: a move's latency is its arrival at a phone less the
 * moment the presenter sent it. With a thousand phones in this one process,
 * the latency includes the time this process takes to read a thousand
 * messages; the relay's share is its CPU. Everything stops by itself.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { io as connectTo, type Socket } from 'socket.io-client';
import type { ClientToServer, Place, ServerToClient } from '../src/room/protocol.ts';
import { mulberry32 } from '../src/lib/random.ts';
import { createRelay } from '../src/room/relay.ts';

export type Client = Socket<ServerToClient, ClientToServer>;

const KEY = 'bench-presenter-key-0123456789';
const PATH = '/__room/';
const RESULTS = fileURLToPath(new URL('room-results.json', import.meta.url));

export interface RoomBenchOptions {
  /** Phones per fan-out run (default 100, 500, 1000). */
  sizes?: number[];
  /** Moves per run (default 30), and the time between them (default 200 ms). */
  moves?: number;
  spacingMs?: number;
  /** Run the digits benchmark instead of the fan-out. */
  digits?: boolean;
  /** Phones in the digits benchmark (default 300), and the window they send in (default 10 s). */
  digitPhones?: number;
  digitWindowMs?: number;
  log?: (line: string) => void;
}

export interface FanOutResult {
  phones: number;
  moves: number;
  expected: number;
  received: number;
  lost: number;
  /** Milliseconds from the presenter's send to a phone's receipt. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** The relay's heap and resident memory per connected phone (KiB), measured after garbage collection. */
  heapPerPhoneKiB: number;
  rssPerPhoneKiB: number;
  /** The relay's CPU while the moves went out, in % of one core. */
  cpuPercent: number;
  /** Seconds to connect every phone. */
  connectSeconds: number;
}

export interface DigitResult {
  phones: number;
  sent: number;
  replied: number;
  refused: number;
  /** Milliseconds from a phone's digit to its reply. */
  p50: number;
  p95: number;
  max: number;
}

/** Where and when figures were measured: the load average says whether the machine was busy with something else. */
export interface Machine {
  date: string;
  node: string;
  cpus: string;
  /** Over 1, 5 and 15 minutes, as `uptime` prints it (a string, so that the JSON stays as Prettier writes it). */
  loadAverage: string;
}

export interface RoomBenchResults {
  fanOut?: { machine: Machine; runs: FanOutResult[] };
  digits?: { machine: Machine; result: DigitResult };
}

/** What the relay process says about itself. */
interface Measure {
  heapUsed: number;
  rss: number;
  cpu: NodeJS.CpuUsage;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
export const round1 = (x: number) => Math.round(x * 10) / 10;

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The relay in a child process, which answers `measure` over IPC. */
async function relayChild(): Promise<{ url: string; measure: () => Promise<Measure>; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the relay process exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    measure: () =>
      new Promise<Measure>((resolve) => {
        child.once('message', (message: Measure) => resolve(message));
        child.send({ type: 'measure' });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

export function open(url: string, auth: Record<string, unknown>): Client {
  return connectTo(url, { path: PATH, auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

export function welcomed(socket: Client, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a socket was not welcomed within 30 s')), ms);
    socket.once('welcome', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Connects phones in batches, as a hall's phones arrive over a minute rather than in one instant. */
export async function connectPhones(url: string, count: number): Promise<Client[]> {
  const phones: Client[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, () => open(url, { role: 'follower' }));
    await Promise.all(batch.map((socket) => welcomed(socket)));
    phones.push(...batch);
  }
  return phones;
}

async function fanOut(phoneCount: number, moves: number, spacingMs: number): Promise<FanOutResult> {
  const relay = await relayChild();
  const deck = open(relay.url, { role: 'presenter', key: KEY });
  await welcomed(deck);
  const before = await relay.measure();
  const connecting = performance.now();
  const phones = await connectPhones(relay.url, phoneCount);
  const connectSeconds = (performance.now() - connecting) / 1000;
  await sleep(500);
  const connected = await relay.measure();

  const sentAt: number[] = [];
  const latencies: number[] = [];
  let received = 0;
  for (const socket of phones) {
    socket.on('place', (place: Place) => {
      const arrived = performance.now();
      const sent = sentAt[place.h];
      if (sent === undefined) return;
      received++;
      latencies.push(arrived - sent);
    });
  }
  const cpuStart = (await relay.measure()).cpu;
  const wallStart = performance.now();
  for (let i = 0; i < moves; i++) {
    sentAt[i] = performance.now();
    deck.emit('place', { slide: `move-${i}`, h: i, v: 0, f: -1 });
    await sleep(spacingMs);
  }
  const expected = phoneCount * moves;
  const deadline = performance.now() + 5000;
  while (received < expected && performance.now() < deadline) await sleep(20);
  const wall = performance.now() - wallStart;
  const cpuEnd = (await relay.measure()).cpu;

  for (const socket of phones) socket.disconnect();
  deck.disconnect();
  await relay.stop();
  latencies.sort((a, b) => a - b);
  return {
    phones: phoneCount,
    moves,
    expected,
    received,
    lost: expected - received,
    p50: round1(quantile(latencies, 0.5)),
    p95: round1(quantile(latencies, 0.95)),
    p99: round1(quantile(latencies, 0.99)),
    max: round1(latencies.at(-1) ?? Number.NaN),
    heapPerPhoneKiB: round1((connected.heapUsed - before.heapUsed) / phoneCount / 1024),
    rssPerPhoneKiB: round1((connected.rss - before.rss) / phoneCount / 1024),
    cpuPercent: round1(((cpuEnd.user - cpuStart.user + cpuEnd.system - cpuStart.system) / 1000 / wall) * 100),
    connectSeconds: round1(connectSeconds),
  };
}

async function digits(phoneCount: number, windowMs: number): Promise<DigitResult> {
  const relay = await relayChild();
  const deck = open(relay.url, { role: 'presenter', key: KEY });
  await welcomed(deck);
  // The fake presenter answers at once; the browser's classification will be added to the deck, not here.
  deck.on('digit', (digit) =>
    deck.emit('reply', { to: digit.from, kind: 'probabilities', value: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1] }),
  );
  const phones = await connectPhones(relay.url, phoneCount);
  // mulberry32, so that the phones' moments are the same at every run.
  const random = mulberry32(7);
  const pixels = Array.from({ length: 784 }, (_, i) => (i % 13) / 12);
  const times: number[] = [];
  let replied = 0;
  let refused = 0;
  let sent = 0;
  await Promise.all(
    phones.map(
      (socket) =>
        new Promise<void>((resolve) => {
          let start = 0;
          const timeout = setTimeout(resolve, windowMs + 5000);
          socket.once('reply', () => {
            times.push(performance.now() - start);
            replied++;
            clearTimeout(timeout);
            resolve();
          });
          socket.once('refused', () => {
            refused++;
            clearTimeout(timeout);
            resolve();
          });
          setTimeout(() => {
            start = performance.now();
            sent++;
            socket.emit('digit', { pixels, label: Math.floor(random() * 10) });
          }, random() * windowMs);
        }),
    ),
  );
  for (const socket of phones) socket.disconnect();
  deck.disconnect();
  await relay.stop();
  times.sort((a, b) => a - b);
  return {
    phones: phoneCount,
    sent,
    replied,
    refused,
    p50: round1(quantile(times, 0.5)),
    p95: round1(quantile(times, 0.95)),
    max: round1(times.at(-1) ?? Number.NaN),
  };
}

/** The machine a bench ran on, and how busy it was, recorded with its figures. */
export function machine(): Machine {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverage: loadavg()
      .map((load) => load.toFixed(2))
      .join(', '),
  };
}

/** Runs the fan-out (or, with `digits`, the digits benchmark) and returns its figures. */
export async function roomBench(options: RoomBenchOptions = {}): Promise<RoomBenchResults> {
  const log = options.log ?? (() => {});
  if (options.digits) {
    const phones = options.digitPhones ?? 300;
    log(`${phones} phones each send one digit within ${(options.digitWindowMs ?? 10_000) / 1000} s…`);
    const at = machine();
    return { digits: { machine: at, result: await digits(phones, options.digitWindowMs ?? 10_000) } };
  }
  const at = machine();
  const runs: FanOutResult[] = [];
  for (const phones of options.sizes ?? [100, 500, 1000, 2000]) {
    log(`${phones} phones follow ${options.moves ?? 30} moves…`);
    runs.push(await fanOut(phones, options.moves ?? 30, options.spacingMs ?? 200));
  }
  return { fanOut: { machine: at, runs } };
}

/** The figures as Markdown tables. */
export function roomTable(results: RoomBenchResults): string[] {
  const lines: string[] = [];
  if (results.fanOut) {
    lines.push(
      '| phones | moves received | lost | p50 | p95 | p99 | max | relay heap / phone | relay RSS / phone | relay CPU during moves | connecting |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of results.fanOut.runs)
      lines.push(
        `| ${r.phones} | ${r.received} / ${r.expected} | ${r.lost} | ${r.p50} ms | ${r.p95} ms | ${r.p99} ms | ${r.max} ms | ${r.heapPerPhoneKiB} KiB | ${r.rssPerPhoneKiB} KiB | ${r.cpuPercent} % | ${r.connectSeconds} s |`,
      );
  }
  if (results.digits) {
    const d = results.digits.result;
    lines.push(
      '| phones | digits sent | replies | refused | p50 send → reply | p95 | max |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| ${d.phones} | ${d.sent} | ${d.replied} | ${d.refused} | ${d.p50} ms | ${d.p95} ms | ${d.max} ms |`,
    );
  }
  return lines;
}

/** The relay's side: a relay on 127.0.0.1 that says its port, then answers `measure`. */
async function child(): Promise<void> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  // The bench plays a whole hall from one loopback address: the limits per address, meant for one address among a hall's, are lifted.
  createRelay(server, {
    path: PATH,
    presenterKey: KEY,
    allowNoOrigin: true,
    limits: { connectionsPerAddress: 100_000, newPhonesPerAddress: { tokens: 100_000, everyMs: 1000, burst: 100_000 } },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send!({ heapUsed, rss, cpu: process.cpuUsage() });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ port: (server.address() as AddressInfo).port });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--child')) return child();
  const results = await roomBench({ digits: args.includes('--digits'), log: (line) => console.log(line) });
  console.log(`\n${roomTable(results).join('\n')}\n`);
  if (args.includes('--write')) {
    const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as RoomBenchResults) : undefined;
    writeFileSync(RESULTS, `${JSON.stringify({ ...previous, ...results }, null, 2)}\n`);
    console.log(`Wrote ${RESULTS}`);
  }
  process.exit(0);
}

if (import.meta.main) await main();
