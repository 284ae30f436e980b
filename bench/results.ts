/**
 * What the benchmark stores, as types, and where: bench/results.json (`npm
 * run bench`), bench/room-results.json (`--room`, and `--room --processes N`
 * under `scale`) and bench/lighthouse-results.json (`--lighthouse`). The
 * figures each bench module measures keep the types that module exports
 * (imported here as types only, so that reading results loads none of
 * them); this file says how run.ts puts them together, and reads them back.
 * Nothing here runs a bench.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { fullTraining } from './full-training.ts';
import type { LighthouseTarget } from './lighthouse.ts';
import type { trainRun } from './model-training.ts';
import type { PollBenchResult } from './room-poll.ts';
import type { QuestionsBenchResult } from './room-questions.ts';
import type { ScaleBench } from './room-scale.ts';
import type { WallResult } from './room-wall.ts';
import type { RoomBenchResults } from './room.ts';

export const RESULTS_FILE = 'bench/results.json';
export const ROOM_RESULTS_FILE = 'bench/room-results.json';
export const LIGHTHOUSE_RESULTS_FILE = 'bench/lighthouse-results.json';
/** The log of changes and their outcomes, the end of BENCHMARKS.md as written by hand. */
export const CHANGES_FILE = 'bench/changes.md';
export const REPORT_FILE = 'BENCHMARKS.md';

/** The live slide's backends, in the order the bench runs and the report lists them. */
export const BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];
/** The deck's own training loop, or stock TensorFlow.js's `model.fit` (`?loop=stock`). */
export type Loop = 'deck' | 'stock';

/** One throughput measurement, or the median of several (then with every round's figure). */
export interface Run {
  /** "auto" when the slide chose (`chosen` says what). */
  backend: Backend | 'auto';
  loop: Loop;
  /** False when the browser could not start this backend; the figures are then absent. */
  available: boolean;
  examplesPerSecond?: number;
  /** The backend the slide reported using, and its thread count (wasm), as the page's data attributes say. */
  chosen?: string | null;
  threads?: string | null;
  /** WebGPU only: counted inside the training worker. */
  dispatchesPerStep?: number;
  readbacksPerStep?: number;
  submitsPerStep?: number;
  /** Every round's figure; the run reports their median. */
  samples?: number[];
}

/** The cost of drawing the charts while training, on the fastest backend. */
export interface ChartsCost {
  backend: Backend | 'auto';
  withCharts?: number;
  without?: number;
  /** 1 − with / without: 0.05 is 5% slower with the charts. */
  slowdown: number;
}

/** Long main-thread tasks while training (the Long Tasks API: only tasks over 50 ms). */
export interface Responsiveness {
  seconds: number;
  longest: number;
  over50: number;
  backend: string | null;
}

/** From the start key to the first finished step, and the bytes moved from reaching the slide. */
export interface Startup {
  backend: Backend | 'auto';
  available: boolean;
  ms?: number;
  bytes?: number;
  chosen?: string | null;
}

/** WebAssembly threaded against one thread (`?threads=1`), for each loop. */
export interface ThreadsRun extends Run {
  name: string;
  query: string;
}

/** The slide's own choice at the default address, against the best forced backend. */
export interface AutoRun extends Run {
  best: Backend | 'auto';
  bestExamplesPerSecond?: number;
}

/** Gzipped bytes of the first slide, and of the whole deck without MNIST. */
export interface Payload {
  firstSlide: number;
  deckWithoutMnist: number;
}

/** bench/full-training.ts: the Keras program in full under Node (`--full`). */
export type Fidelity = Awaited<ReturnType<typeof fullTraining>>;
/** bench/model-training.ts: one of the lab's models in full under Node (`--full`), by its preset's name. */
export type ModelResult = { name: string } & Awaited<ReturnType<typeof trainRun>>;

/** bench/results.json. */
export interface BenchResults {
  date: string;
  /** "N × CPU model, M GiB". */
  machine: string;
  /** Absent from results written before it was recorded; `machine` names it then. */
  cores?: number;
  browser: string;
  node: string;
  /** Deck and stock for each backend, in BACKENDS order. */
  throughput: Run[];
  rounds: number;
  charts: ChartsCost;
  responsiveness: Responsiveness[];
  /** Each backend, then "auto". */
  startup: Startup[];
  /** Deck on all cores, deck on one thread, stock on all cores, stock on one thread. Absent from older results. */
  threads?: ThreadsRun[];
  /** Absent from older results. */
  auto?: AutoRun;
  payload: Payload;
  /** Only after `--full`. */
  fidelity?: Fidelity;
  models?: ModelResult[];
}

/** A figure and when it was measured. */
export interface Dated<T> {
  date: string;
  result: T;
}

/** bench/room-results.json: each `--room` run replaces its own keys and keeps the others. */
export interface RoomResults extends RoomBenchResults {
  /** `--room --processes N` (bench/room-scale.ts). */
  scale?: ScaleBench;
  /** bench/room-wall.ts. */
  wall?: Dated<WallResult>;
  /** bench/room-poll.ts. */
  poll?: Dated<PollBenchResult>;
  /** bench/room-questions.ts. */
  questions?: Dated<QuestionsBenchResult>;
}

/** bench/lighthouse-results.json. */
export interface LighthouseResults {
  date: string;
  targets: LighthouseTarget[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** bench/results.json; it must exist (`npm run bench` writes it). */
export function readResults(): BenchResults {
  return readJson<BenchResults>(RESULTS_FILE);
}

/** bench/room-results.json, when a `--room` run wrote it. */
export function readRoomResults(): RoomResults | undefined {
  return existsSync(ROOM_RESULTS_FILE) ? readJson<RoomResults>(ROOM_RESULTS_FILE) : undefined;
}

/** bench/lighthouse-results.json, when a `--lighthouse` run wrote it. */
export function readLighthouseResults(): LighthouseResults | undefined {
  return existsSync(LIGHTHOUSE_RESULTS_FILE) ? readJson<LighthouseResults>(LIGHTHOUSE_RESULTS_FILE) : undefined;
}

/** A JSON file as the bench writes it: two-space indents and a final newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
