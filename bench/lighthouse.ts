/**
 * Lighthouse, as a new visitor's phone sees the deck: its mobile settings
 * (a mid-range phone: 4× slower CPU, simulated slow 4G), three runs each,
 * the median kept, on
 *
 * - the deck as `npm start` serves it (built with its relay, compressed,
 *   cross-origin isolated);
 * - the deck published on a plain static host (built without a relay,
 *   served compressed but with no isolation headers);
 * - the reader's edition, from `npm start`'s server.
 *
 * Run by `npm run bench -- --lighthouse`, which builds both decks first;
 * `node bench/lighthouse.ts` measures the builds already in dist/ and
 * dist-plain/. Goals: performance at least 0.95, first contentful paint at
 * most 1.8 s, total blocking time at most 200 ms, no layout shift. A
 * benchmark, not a test: its figures go to BENCHMARKS.md.
 */
import { writeFileSync } from 'node:fs';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { findChromium } from '../scripts/chromium.ts';
import { serve } from '../scripts/serve.ts';

export interface LighthouseFigures {
  performance: number;
  fcp: number;
  lcp: number;
  tbt: number;
  cls: number;
  speedIndex: number;
  bytes: number;
  requests: number;
}

export interface LighthouseTarget {
  name: string;
  runs: LighthouseFigures[];
  median: LighthouseFigures;
}

/** One Lighthouse run of `url`, mobile settings (Lighthouse's defaults). */
async function once(url: string, port: number): Promise<LighthouseFigures> {
  const result = await lighthouse(url, { port, output: 'json', onlyCategories: ['performance'], logLevel: 'error' });
  if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
  const { lhr } = result;
  const audit = (id: string) => lhr.audits[id]?.numericValue ?? Number.NaN;
  const network = (lhr.audits['network-requests']?.details as { items?: { transferSize?: number }[] } | undefined)?.items ?? [];
  return {
    performance: lhr.categories.performance?.score ?? Number.NaN,
    fcp: audit('first-contentful-paint'),
    lcp: audit('largest-contentful-paint'),
    tbt: audit('total-blocking-time'),
    cls: audit('cumulative-layout-shift'),
    speedIndex: audit('speed-index'),
    bytes: network.reduce((n, r) => n + (r.transferSize ?? 0), 0),
    requests: network.length,
  };
}

/** The run whose performance score is the median of `runs`. */
function median(runs: LighthouseFigures[]): LighthouseFigures {
  return [...runs].sort((a, b) => a.performance - b.performance)[Math.floor(runs.length / 2)]!;
}

/** Measures the three targets, `rounds` runs each. */
export async function lighthouseBench(options: { rounds?: number; log?: (line: string) => void } = {}): Promise<LighthouseTarget[]> {
  const rounds = options.rounds ?? 3;
  const log = options.log ?? (() => {});
  const started = await serve({ dir: 'dist', base: '/', port: 0, host: false, isolation: true });
  const plain = await serve({ dir: 'dist-plain', base: '/', port: 0, host: false, isolation: false, relay: false });
  const chrome = await chromeLauncher.launch({
    chromePath: findChromium(),
    chromeFlags: [
      '--headless=new',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    ],
  });
  const targets: [string, string][] = [
    ['the deck, from npm start', started.local],
    ['the deck, published on a plain static host', plain.local],
    ['the reader’s edition, from npm start', `${started.local}read/`],
  ];
  const results: LighthouseTarget[] = [];
  try {
    for (const [name, url] of targets) {
      const runs: LighthouseFigures[] = [];
      for (let i = 0; i < rounds; i++) {
        const figures = await once(url, chrome.port);
        log(
          `${name}: run ${i + 1}: performance ${figures.performance}, FCP ${Math.round(figures.fcp)} ms, TBT ${Math.round(figures.tbt)} ms, CLS ${figures.cls.toFixed(3)}`,
        );
        runs.push(figures);
      }
      results.push({ name, runs, median: median(runs) });
    }
  } finally {
    await chrome.kill();
    await started.close();
    await plain.close();
  }
  return results;
}

async function main(): Promise<void> {
  const results = await lighthouseBench({ log: (line) => console.log(line) });
  writeFileSync('bench/lighthouse-results.json', `${JSON.stringify({ date: new Date().toISOString(), targets: results }, null, 2)}\n`);
  console.log('Wrote bench/lighthouse-results.json');
  process.exit(0);
}

if (import.meta.main) await main();
