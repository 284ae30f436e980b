/**
 * npm run bench: how fast the live slide trains, against stock TensorFlow.js,
 * in the built site, in real Chromium (the same one the tests use), and the
 * room's and Lighthouse's benches by their flags. This file runs the benches
 * and writes their files; bench/options.ts reads the command line,
 * bench/results.ts types what is stored, bench/report.ts writes
 * BENCHMARKS.md's text. Not part of `npm test`: timings do not belong in
 * tests. See bench/README.md.
 *
 *   npm run bench             throughput, cost of the charts, long tasks,
 *                             start-up, payload, WebGPU dispatches/readbacks
 *   npm run bench -- --full   also the full 5 epochs on wasm (about 3 min) and
 *                             the lab's three models in full (about 4 min)
 *   npm run bench -- --only webgpu,wasm [--rounds N]   those backends' throughput alone, printed
 *   npm run bench -- --room [--processes N [--phones N]]   the room (bench/room*.ts)
 *   npm run bench -- --lighthouse   Lighthouse (bench/lighthouse.ts)
 *   node bench/run.ts --report  rewrite BENCHMARKS.md from the stored results
 *   node bench/run.ts --help    every flag
 */
import { execSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page, type Worker as PlaywrightWorker } from '@playwright/test';
import { chromiumArgs, findChromium } from '../scripts/chromium.ts';
import { longTasks, recordLongTasks } from './long-tasks.ts';
import { BenchArgsError, parseBenchArgs, USAGE, type BenchOptions } from './options.ts';
import { benchmarksReport, fmt } from './report.ts';
import {
  BACKENDS,
  CHANGES_FILE,
  jsonText,
  LIGHTHOUSE_RESULTS_FILE,
  readLighthouseResults,
  readResults,
  readRoomResults,
  REPORT_FILE,
  RESULTS_FILE,
  ROOM_RESULTS_FILE,
  type Backend,
  type BenchResults,
  type ChartsCost,
  type LighthouseResults,
  type Loop,
  type ModelResult,
  type Payload,
  type Responsiveness,
  type RoomResults,
  type Run,
  type Startup,
  type ThreadsRun,
} from './results.ts';

const PORT = 4390;
const ORIGIN = `http://localhost:${PORT}`;
const BATCH = 128;
/** Steps to warm up and to measure, per backend: SwiftShader's WebGPU takes about a second a step here. */
const PLAN = { webgpu: [3, 10], webgl: [6, 40], wasm: [6, 40], cpu: [2, 6] } as const satisfies Record<Backend, readonly [number, number]>;

async function server(): Promise<() => void> {
  const child = spawn(process.execPath, ['scripts/serve.ts', '--port', String(PORT)], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${ORIGIN}/`)).ok) return () => child.kill();
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill();
  throw new Error('the site did not start; run `npm run build` first');
}

const demo = '[data-demo="mnist-training"]';
const attr = (page: Page, name: string) => page.locator(demo).getAttribute(name);

/** Counts WebGPU dispatches, submits and buffer read-backs inside the training worker. */
async function instrument(page: Page): Promise<() => Promise<{ dispatches: number; readbacks: number; submits: number }>> {
  const worker = await new Promise<PlaywrightWorker>((resolve) => page.once('worker', resolve));
  await worker.evaluate(() => {
    const g = globalThis as unknown as { counts: Record<string, number> } & Record<
      string,
      { prototype: Record<string, (...a: unknown[]) => unknown> } | undefined
    >;
    g.counts = { dispatches: 0, readbacks: 0, submits: 0 };
    const wrap = (klass: string, method: string, counter: string) => {
      const proto = g[klass]?.prototype;
      if (!proto?.[method]) return;
      const original = proto[method]!;
      proto[method] = function (this: unknown, ...args: unknown[]) {
        g.counts[counter]! += 1;
        return original.apply(this, args);
      };
    };
    wrap('GPUComputePassEncoder', 'dispatchWorkgroups', 'dispatches');
    wrap('GPUBuffer', 'mapAsync', 'readbacks');
    wrap('GPUQueue', 'submit', 'submits');
  });
  return () =>
    worker.evaluate(() => ({
      ...(globalThis as unknown as { counts: { dispatches: number; readbacks: number; submits: number } }).counts,
    }));
}

/** Waits until the live slide is mounted and idle: the worker (and its backend) starts with the first T. */
async function ready(page: Page): Promise<void> {
  await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.state === 'idle', demo, { timeout: 90_000 });
}

/**
 * Examples per second in steady state. `backend` "auto" leaves the choice to
 * the slide (its measurement included in the warm-up); `query` adds address
 * parameters, e.g. "threads=1".
 */
async function throughput(browser: Browser, backend: Backend | 'auto', loop: Loop, charts = true, query = ''): Promise<Run> {
  const [warm, measure] = PLAN[backend === 'auto' ? 'wasm' : backend];
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  try {
    const counting = backend === 'webgpu' ? instrument(page) : undefined;
    const size = (warm + measure + 4) * BATCH;
    await page.goto(
      `${ORIGIN}/?${backend === 'auto' ? '' : `backend=${backend}&`}loop=${loop}&train-size=${size}&test-size=200&epochs=1${charts ? '' : '&charts=off'}${query ? `&${query}` : ''}#/live-training`,
    );
    await ready(page);
    await page.keyboard.press('t');
    const counts = await counting;
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.backend, demo, { timeout: 120_000 });
    if (backend !== 'auto' && (await attr(page, 'data-backend')) !== backend) return { backend, loop, available: false };
    const stepAt = async (n: number) => {
      await page.waitForFunction(
        ([sel, k]) => Number(document.querySelector<HTMLElement>(sel as string)?.dataset.step ?? 0) >= (k as number),
        [demo, n] as const,
        { timeout: 600_000, polling: 50 },
      );
      return { time: performance.now(), step: Number(await attr(page, 'data-step')), counts: await counts?.() };
    };
    const a = await stepAt(warm);
    const b = await stepAt(warm + measure);
    const steps = b.step - a.step;
    const run: Run = {
      backend,
      loop,
      available: true,
      examplesPerSecond: (steps * BATCH * 1000) / (b.time - a.time),
      chosen: await attr(page, 'data-backend'),
      threads: await attr(page, 'data-threads'),
    };
    if (a.counts && b.counts) {
      run.dispatchesPerStep = (b.counts.dispatches - a.counts.dispatches) / steps;
      run.readbacksPerStep = (b.counts.readbacks - a.counts.readbacks) / steps;
      run.submitsPerStep = (b.counts.submits - a.counts.submits) / steps;
    }
    return run;
  } finally {
    await page.close();
  }
}

async function responsiveness(browser: Browser, backend: Backend): Promise<Responsiveness> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.addInitScript(recordLongTasks);
  await page.goto(`${ORIGIN}/?backend=${backend}&train-size=60000&epochs=1#/live-training`);
  await ready(page);
  await page.keyboard.press('t');
  await page.waitForFunction((sel) => document.querySelector<HTMLElement>(sel)?.dataset.state === 'training', demo, { timeout: 90_000 });
  await page.evaluate(() => ((window as unknown as { tasks: number[] }).tasks.length = 0));
  await page.waitForTimeout(30_000);
  const tasks = await longTasks(page);
  const used = await attr(page, 'data-backend');
  await page.close();
  return { seconds: 30, longest: Math.max(0, ...tasks), over50: tasks.filter((t) => t > 50).length, backend: used };
}

/** From the start key to the first finished step, and the bytes moved from reaching the slide; "auto" includes the measured choice. */
async function startup(browser: Browser, backend: Backend | 'auto'): Promise<Startup> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const sizes: Promise<number>[] = [];
  let counting = false;
  page.on('requestfinished', (r) => counting && sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
  try {
    await page.goto(`${ORIGIN}/?${backend === 'auto' ? '' : `backend=${backend}&`}train-size=${BATCH * 4}&test-size=200&epochs=1#/`);
    await page.waitForLoadState('networkidle');
    counting = true;
    await page.evaluate(() => (location.hash = '#/live-training'));
    await ready(page);
    const t0 = performance.now();
    await page.keyboard.press('t');
    await page.waitForFunction((sel) => Number(document.querySelector<HTMLElement>(sel)?.dataset.step ?? 0) >= 1, demo, {
      timeout: 300_000,
      polling: 20,
    });
    const ms = performance.now() - t0;
    const chosen = await attr(page, 'data-backend');
    if (backend !== 'auto' && chosen !== backend) return { backend, available: false };
    return { backend, available: true, ms, bytes: (await Promise.all(sizes)).reduce((a, b) => a + b, 0), chosen };
  } finally {
    await page.close();
  }
}

function payload(): Payload {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk('dist');
  const gz = (file: string) => gzipSync(readFileSync(file), { level: 6 }).length;
  const html = readFileSync('dist/index.html', 'utf8');
  const first = ['dist/index.html', ...[...html.matchAll(/(?:href|src)="\/(_astro\/[^"]+)"/g)].map((m) => `dist/${m[1]}`)];
  return {
    firstSlide: first.reduce((n, f) => n + gz(f), 0),
    deckWithoutMnist: files.filter((f) => !f.startsWith('dist/mnist/') && !/\.(ttf|woff)$/.test(f)).reduce((n, f) => n + gz(f), 0),
  };
}

function median(runs: Run[]): Run {
  const sorted = [...runs].sort((a, b) => (a.examplesPerSecond ?? 0) - (b.examplesPerSecond ?? 0));
  return { ...sorted[Math.floor(sorted.length / 2)]!, samples: runs.map((r) => r.examplesPerSecond ?? 0) };
}

/** BENCHMARKS.md from the given results (by default bench/results.json) and the room's and Lighthouse's stored ones. */
function writeReport(results: BenchResults = readResults()): void {
  const changes = readFileSync(CHANGES_FILE, 'utf8');
  writeFileSync(REPORT_FILE, benchmarksReport({ results, room: readRoomResults(), lighthouse: readLighthouseResults(), changes }));
}

/**
 * `npm run bench -- --room`: the relay's fan-out to 100, 500, 1,000 and 2,000 phones, and 300 phones' digits (bench/room.ts);
 * then the real projector's wall, poll and questions (bench/room-wall.ts, room-poll.ts, room-questions.ts).
 */
async function roomOnly(): Promise<void> {
  const { roomBench } = await import('./room.ts');
  const log = (line: string) => console.log(line);
  const results: RoomResults = { ...(await roomBench({ log })), ...(await roomBench({ digits: true, log })) };
  // The real projector: the deck in Chromium classifies 300 phones' digits (built with the room's relay).
  execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, RELAY_URL: 'same-origin' } });
  const { wallBench } = await import('./room-wall.ts');
  results.wall = { date: new Date().toISOString(), result: await wallBench({ log }) };
  // The real projector again: 1,000 phones change their votes 30 times each, as fast as the relay lets them.
  const { pollBench } = await import('./room-poll.ts');
  results.poll = { date: new Date().toISOString(), result: await pollBench({ log }) };
  // The real presenter with its speaker view: 1,000 phones ask once each and upvote 5 questions within 30 s.
  const { questionsBench } = await import('./room-questions.ts');
  results.questions = { date: new Date().toISOString(), result: await questionsBench({ log }) };
  // Figures from other runs (the bench across processes) stay beside these.
  writeFileSync(ROOM_RESULTS_FILE, jsonText({ ...readRoomResults(), ...results }));
  writeReport();
}

/**
 * `npm run bench -- --room --processes N [--phones 2000]`: 2,000 phones through nginx to N relay processes sharing Redis
 * (bench/room-scale.ts). Its figures go into bench/room-results.json under `scale`, beside the others.
 */
async function roomScaleOnly(processes: number, phones: number): Promise<void> {
  const { roomScaleBench, roomScaleTable } = await import('./room-scale.ts');
  const scale = await roomScaleBench({ processes, phones, log: (line) => console.log(line) });
  writeFileSync(ROOM_RESULTS_FILE, jsonText({ ...readRoomResults(), scale } satisfies RoomResults));
  console.log(`\n${roomScaleTable(scale).join('\n')}\n`);
}

/** `npm run bench -- --lighthouse`: Lighthouse on the deck from npm start, on a plain static host, and on the reader (bench/lighthouse.ts). */
async function lighthouseOnly(): Promise<void> {
  // npm start's build (with its relay) is dist/; a published deck's (without one) is dist-plain/.
  execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, RELAY_URL: 'same-origin' } });
  execSync('npx astro build', { stdio: 'inherit', env: { ...process.env, RELAY_URL: '', OUT_DIR: './dist-plain' } });
  const { lighthouseBench } = await import('./lighthouse.ts');
  const targets = await lighthouseBench({ log: (line) => console.log(line) });
  writeFileSync(LIGHTHOUSE_RESULTS_FILE, jsonText({ date: new Date().toISOString(), targets } satisfies LighthouseResults));
  writeReport();
}

/** `npm run bench [-- --full]`, or with `--only` the throughput of some backends alone, printed. */
async function benchAll({ full, only, rounds }: Extract<BenchOptions, { mode: 'throughput' }>): Promise<void> {
  // Loaded first, so that a broken import stops the run before the browser's measurements, not after them.
  const training = full ? { ...(await import('./full-training.ts')), ...(await import('./model-training.ts')) } : undefined;
  const stop = await server();
  const executablePath = findChromium();
  const browser = await chromium.launch({ executablePath, args: chromiumArgs() });
  const measured = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    // Recorded when measured, so that --report never describes the machine that rewrites it.
    cores: cpus().length,
    browser: `${browser.browserType().name()} ${browser.version()} (${executablePath})`,
    node: process.version,
  };
  let results: BenchResults;
  try {
    // Deck and stock alternate, round after round, and each keeps its median:
    // a busy moment on a shared machine then hurts both alike.
    const runs: Run[] = [];
    for (const backend of only ?? BACKENDS) {
      const samples: Record<Loop, Run[]> = { deck: [], stock: [] };
      for (let round = 0; round < rounds; round++) {
        for (const loop of ['deck', 'stock'] as const) {
          process.stdout.write(`throughput: ${backend}, ${loop}, round ${round + 1}… `);
          const run = await throughput(browser, backend, loop);
          console.log(run.available ? `${fmt(run.examplesPerSecond, 1)} examples/s` : 'not available');
          samples[loop].push(run);
        }
        if (!samples.deck[0]!.available) break;
      }
      for (const loop of ['deck', 'stock'] as const) runs.push(median(samples[loop]));
    }
    if (only) {
      console.log(JSON.stringify(runs, null, 1));
      return;
    }
    const fastest = runs.filter((r) => r.loop === 'deck' && r.available).sort((a, b) => b.examplesPerSecond! - a.examplesPerSecond!)[0]!
      .backend;
    process.stdout.write(`cost of the charts on ${fastest}… `);
    // Alternating rounds and medians, as for throughput: one pair is within noise of 5%.
    const drawn: Run[] = [];
    const bare: Run[] = [];
    for (let round = 0; round < Math.max(rounds, 5); round++) {
      drawn.push(await throughput(browser, fastest, 'deck', true));
      bare.push(await throughput(browser, fastest, 'deck', false));
    }
    const withCharts = median(drawn);
    const without = median(bare);
    const charts: ChartsCost = {
      backend: fastest,
      withCharts: withCharts.examplesPerSecond,
      without: without.examplesPerSecond,
      slowdown: 1 - withCharts.examplesPerSecond! / without.examplesPerSecond!,
    };
    console.log(`${fmt(100 * charts.slowdown, 1)}% slower with charts`);
    // WebGPU is the slide's first choice; on a machine without a GPU its
    // emulation competes with the page for the CPU, so wasm is measured too.
    const responsive: Responsiveness[] = [];
    for (const backend of ['webgpu', 'wasm'] as const) {
      console.log(`responsiveness: 30 s of training on ${backend}…`);
      responsive.push(await responsiveness(browser, backend));
    }
    const starts: Startup[] = [];
    for (const backend of [...BACKENDS, 'auto' as const]) starts.push(await startup(browser, backend));
    // WebAssembly on every core: threaded against one thread, for the deck's loop and for model.fit, in alternating rounds.
    const variants = [
      { name: 'deck, all cores', loop: 'deck', query: '' },
      { name: 'deck, 1 thread', loop: 'deck', query: 'threads=1' },
      { name: 'stock, all cores', loop: 'stock', query: '' },
      { name: 'stock, 1 thread', loop: 'stock', query: 'threads=1' },
    ] as const;
    const threadSamples: Run[][] = variants.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [k, v] of variants.entries()) {
        process.stdout.write(`threads: wasm, ${v.name}, round ${round + 1}… `);
        const run = await throughput(browser, 'wasm', v.loop, true, v.query);
        console.log(`${fmt(run.examplesPerSecond, 1)} examples/s on ${run.threads} thread(s)`);
        threadSamples[k]!.push(run);
      }
    }
    const threads: ThreadsRun[] = variants.map((v, k) => ({ ...v, ...median(threadSamples[k]!) }));
    // The slide's own choice at the default address, against the best forced backend, in alternating rounds.
    const autoSamples: Run[] = [];
    const bestSamples: Run[] = [];
    for (let round = 0; round < rounds; round++) {
      process.stdout.write(`auto: round ${round + 1}… `);
      const run = await throughput(browser, 'auto', 'deck');
      console.log(`${fmt(run.examplesPerSecond, 1)} examples/s on ${run.chosen}`);
      autoSamples.push(run);
      process.stdout.write(`auto: forced ${fastest}, round ${round + 1}… `);
      const best = await throughput(browser, fastest, 'deck');
      console.log(`${fmt(best.examplesPerSecond, 1)} examples/s`);
      bestSamples.push(best);
    }
    const auto = { ...median(autoSamples), best: fastest, bestExamplesPerSecond: median(bestSamples).examplesPerSecond };
    // In the order bench/results.json has always had its keys.
    results = {
      ...measured,
      throughput: runs,
      rounds,
      charts,
      responsiveness: responsive,
      startup: starts,
      threads,
      auto,
      payload: payload(),
    };
  } finally {
    await browser.close();
    stop();
  }
  if (training) {
    results.fidelity = await training.fullTraining();
    // The lab's three models, in full, under Node on one core of WebAssembly.
    const models: ModelResult[] = [];
    for (const [name, run] of Object.entries(training.PRESETS)) models.push({ name, ...(await training.trainRun(run)) });
    results.models = models;
  }
  writeFileSync(RESULTS_FILE, jsonText(results));
  writeReport(results);
  console.log('wrote bench/results.json and BENCHMARKS.md');
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof BenchArgsError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  switch (options.mode) {
    case 'help':
      console.log(USAGE);
      return;
    case 'report':
      // Rewrite BENCHMARKS.md from the last results (after editing bench/changes.md).
      writeReport();
      return;
    case 'throughput':
      return benchAll(options);
    case 'lighthouse':
      await lighthouseOnly();
      break;
    case 'room':
      await roomOnly();
      break;
    case 'room-scale':
      await roomScaleOnly(options.processes, options.phones);
      break;
  }
  // The room's and Lighthouse's modes end the process here, whatever their benches left open.
  process.exit(0);
}

await main();
