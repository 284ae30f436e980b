/**
 * The room's relay as deploy/README.md deploys it, under a lecture hall's
 * load: 2,000 phones connect through nginx (deploy/nginx.conf.template) to
 * several relay processes that share the room through Redis, and the
 * presenter makes 30 moves, 200 ms apart. bench/room.ts measures one relay
 * process alone; this measures what the proxy and Redis add to it: moves
 * lost, the latency from the presenter's send to each phone's receipt, and
 * each relay process's CPU and memory, read from /proc (Linux only) before
 * the phones connect, once they are connected, and after the moves. Not part
 * of `npm test`: timings do not belong in tests.
 *
 *   npm run bench -- --room --processes 2 [--phones 2000]   writes bench/room-results.json's `scale` (bench/run.ts)
 *   node bench/room-scale.ts [--processes 2] [--phones 2000]   prints the figures only
 *
 * The relay processes are tests/fixtures/relay-process.ts, the unit tests'
 * relay in a process of its own, rather than scripts/relay.ts: bench/room.ts's
 * clients, used here, send no Origin header, and the whole hall comes from
 * one loopback address, so the relays must admit sockets without an Origin
 * and lift their limits per address (RELAY_LIMITS), as bench/room.ts's own
 * relay does. Redis and nginx are started and stopped as the scale test
 * starts them (tests/scale/services.ts). Everything stops by itself.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Place } from '../src/room/protocol.ts';
import { KEY, relayProcess, type RelayProcess } from '../tests/unit/room-helpers.ts';
import { nginxVersion, startNginx, startRedis, stopServices } from '../tests/scale/services.ts';
import { connectPhones, machine, open, quantile, round1, sleep, welcomed, type Client, type FanOutResult, type Machine } from './room.ts';

export interface RoomScaleOptions {
  /** Relay processes behind nginx (default 2). */
  processes?: number;
  /** Phones (default 2,000), moves (default 30), and the time between moves (default 200 ms). */
  phones?: number;
  moves?: number;
  spacingMs?: number;
  log?: (line: string) => void;
}

/** One relay process's share of the hall and what it cost, from /proc. */
export interface ScaleRelayFigures {
  phones: number;
  /** CPU while the phones connected, in seconds, and while the moves went out, in % of one core. */
  connectingCpuSeconds: number;
  movesCpuPercent: number;
  /** Resident memory before the phones, once they were connected, and after the moves (MiB). */
  rssBeforeMiB: number;
  rssConnectedMiB: number;
  rssAfterMiB: number;
}

/** The hall's figures, as bench/room.ts's fan-out has them, and each relay process's. */
export interface ScaleResult extends Pick<
  FanOutResult,
  'phones' | 'moves' | 'expected' | 'received' | 'lost' | 'p50' | 'p95' | 'p99' | 'max' | 'connectSeconds'
> {
  processes: number;
  relays: ScaleRelayFigures[];
}

export interface ScaleBench {
  machine: Machine & { nginx: string; redis: string };
  result: ScaleResult;
}

/** A process's CPU time (user and system, seconds) and resident memory (KiB), as /proc has them. */
interface ProcSample {
  cpuSeconds: number;
  rssKiB: number;
}

/** The kernel's clock ticks per second, in which /proc/PID/stat counts CPU time. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command's name, in parentheses, may hold spaces; the fields after it start with the state (field 3 in proc(5)),
  // so utime and stime (fields 14 and 15) are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS, rssKiB: Number(rss?.[1] ?? Number.NaN) };
}

const mib = (kib: number) => round1(kib / 1024);

/**
 * The presenter makes `moves` moves, `spacingMs` apart, each numbered in its
 * `h`; resolves once every phone has every move, or 5 s after the last, with
 * each receipt's latency from the send (ms), sorted. bench/room.ts's fan-out
 * measures its moves the same way, inline; it could call this.
 */
export async function followMoves(deck: Client, phones: Client[], moves: number, spacingMs: number): Promise<number[]> {
  const sentAt: number[] = [];
  const latencies: number[] = [];
  const listener = (place: Place) => {
    if (sentAt[place.h] !== undefined) latencies.push(performance.now() - sentAt[place.h]!);
  };
  for (const phone of phones) phone.on('place', listener);
  for (let move = 0; move < moves; move++) {
    sentAt[move] = performance.now();
    deck.emit('place', { slide: `scale-${move}`, h: move, v: 0, f: -1 });
    await sleep(spacingMs);
  }
  for (const deadline = performance.now() + 5000; latencies.length < phones.length * moves && performance.now() < deadline;)
    await sleep(20);
  for (const phone of phones) phone.off('place', listener);
  return latencies.sort((a, b) => a - b);
}

/** Runs the hall through nginx and returns its figures. */
export async function roomScaleBench(options: RoomScaleOptions = {}): Promise<ScaleBench> {
  const log = options.log ?? (() => {});
  const processes = options.processes ?? 2;
  const phoneCount = options.phones ?? 2000;
  const moves = options.moves ?? 30;
  const spacingMs = options.spacingMs ?? 200;
  const recorded = {
    ...machine(),
    nginx: nginxVersion(),
    redis: execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim(),
  };
  const relays: RelayProcess[] = [];
  const sockets: Client[] = [];
  try {
    const redis = await startRedis();
    // One loopback address plays the whole hall: the limits per address, meant for one address among a hall's, are lifted.
    const limits = { connectionsPerAddress: 100_000, newPhonesPerAddress: { tokens: 100_000, everyMs: 1000, burst: 100_000 } };
    for (let i = 0; i < processes; i++) relays.push(await relayProcess({ REDIS_URL: redis.url, RELAY_LIMITS: JSON.stringify(limits) }));
    // The whole hall comes from this one loopback address: nginx's cap per address is lifted, as the relays' are.
    const nginx = await startNginx({ relays: relays.map((relay) => relay.port), connectionsPerAddress: 100_000 });
    log(`${phoneCount} phones through nginx (${nginx.url}) to ${processes} relay processes sharing Redis follow ${moves} moves…`);
    const pids = relays.map((relay) => relay.child.pid!);
    const before = pids.map(procSample);

    const deck = open(nginx.url, { role: 'presenter', key: KEY });
    sockets.push(deck);
    await welcomed(deck);
    const connecting = performance.now();
    const phones = await connectPhones(nginx.url, phoneCount);
    sockets.push(...phones);
    const connectSeconds = (performance.now() - connecting) / 1000;
    await sleep(500);
    const connected = pids.map(procSample);
    const shares = await Promise.all(relays.map((relay) => relay.ask<{ followers: number }>({ type: 'stats' })));

    const started = performance.now();
    const latencies = await followMoves(deck, phones, moves, spacingMs);
    const wallSeconds = (performance.now() - started) / 1000;
    const after = pids.map(procSample);
    const expected = phoneCount * moves;
    return {
      machine: recorded,
      result: {
        processes,
        phones: phoneCount,
        moves,
        expected,
        received: latencies.length,
        lost: expected - latencies.length,
        p50: round1(quantile(latencies, 0.5)),
        p95: round1(quantile(latencies, 0.95)),
        p99: round1(quantile(latencies, 0.99)),
        max: round1(latencies.at(-1) ?? Number.NaN),
        connectSeconds: round1(connectSeconds),
        relays: pids.map((_pid, i) => ({
          phones: shares[i]!.followers,
          connectingCpuSeconds: round1(connected[i]!.cpuSeconds - before[i]!.cpuSeconds),
          movesCpuPercent: round1(((after[i]!.cpuSeconds - connected[i]!.cpuSeconds) / wallSeconds) * 100),
          rssBeforeMiB: mib(before[i]!.rssKiB),
          rssConnectedMiB: mib(connected[i]!.rssKiB),
          rssAfterMiB: mib(after[i]!.rssKiB),
        })),
      },
    };
  } finally {
    for (const socket of sockets) socket.disconnect();
    await Promise.all(relays.map((relay) => relay.stop()));
    await stopServices();
  }
}

/** The figures as Markdown tables: the hall, then each relay process. */
export function roomScaleTable({ result: r }: ScaleBench): string[] {
  return [
    '| phones | relay processes | moves received | lost | p50 | p95 | p99 | max | connecting |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${r.phones} | ${r.processes} | ${r.received} / ${r.expected} | ${r.lost} | ${r.p50} ms | ${r.p95} ms | ${r.p99} ms | ${r.max} ms | ${r.connectSeconds} s |`,
    '',
    '| relay process | phones | CPU while connecting | CPU during moves | RSS before | RSS connected | RSS after |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...r.relays.map(
      (relay, i) =>
        `| ${i + 1} | ${relay.phones} | ${relay.connectingCpuSeconds} s | ${relay.movesCpuPercent} % | ${relay.rssBeforeMiB} MiB | ${relay.rssConnectedMiB} MiB | ${relay.rssAfterMiB} MiB |`,
    ),
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { processes: { type: 'string', default: '2' }, phones: { type: 'string', default: '2000' } } });
  const figures = await roomScaleBench({
    processes: Number(values.processes),
    phones: Number(values.phones),
    log: (line) => console.log(line),
  });
  console.log(`\n${roomScaleTable(figures).join('\n')}\n`);
  process.exit(0);
}

if (import.meta.main) await main();
