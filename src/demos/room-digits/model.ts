/**
 * "Your digits", as data: the digits the audience draws on their phones,
 * each with the label its author meant and the guess of the network just
 * trained on the live slide; the room's accuracy beside MNIST's test
 * accuracy; and a short fine-tuning on half of the room's digits, measured
 * on the other half before and after.
 *
 * The wall is the presenter's: digits arrive from the room (checked by the
 * relay and again by the controller), the presenter may hide any of them
 * (a hidden digit is never published to the phones, nor trained on) or
 * clear them all, and it holds at most WALL_CAP, dropping the oldest. Phones
 * see `publicWall`: the room's figures and the latest visible digits, with
 * no sender's id. Nothing is kept beyond the page.
 *
 * Pure: no DOM, no worker. The controller (controller.ts) asks the worker
 * and talks to the room; this file decides what every report and digit
 * does to the state.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { mulberry32, shuffleInPlace } from '../../lib/random.ts';
import { percent } from '../../lib/format.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { KERAS_RUN, type RunSpec } from '../../train/model/spec.ts';
import { argmax } from '../../train/model/metrics.ts';
import type { Shortening } from '../shared/lab-wiring.ts';
import {
  foldRun,
  foldStatus,
  newRun,
  newStatus,
  runProgress,
  singleRunState,
  type RunState,
  type TrainedRun,
  type WorkerStatus,
} from '../shared/trained-run.ts';

/** The most digits the wall holds; the oldest go first. */
export const WALL_CAP = 500;
/** The latest visible digits published to the phones with their pixels: about 33 KB of the relay's 64 KB per state. */
export const PUBLISHED_DIGITS = 30;
/** Digits on the wall (visible) before "Train with your digits" can split them into two halves worth measuring. */
export const MIN_FINE_TUNE = 6;
/** The share of a fine-tuning run's training images that are the room's (each repeated to make it up), so that a dozen digits among 6,000 count. */
export const ROOM_SHARE = 0.1;
/** The most times one room digit is repeated in a fine-tuning run. */
export const MAX_REPEAT = 100;

/** The short run T offers when no network has been trained: the lecture's network on 6,000 images for one epoch. */
export const SHORT_RUN: RunSpec = { ...KERAS_RUN, trainSize: 6000, epochs: 1 };
/** Fine-tuning: from the trained weights, on 6,000 MNIST images plus half of the room's digits, for two epochs. */
export const FINE_TUNE_RUN: RunSpec = { ...KERAS_RUN, trainSize: 6000, epochs: 2 };
/** MNIST test images the runs are measured on. */
export const TEST_SIZE = 10000;

/** A digit on the wall. */
export interface WallEntry {
  /** Its place in the order of arrival, unique on the wall. */
  id: number;
  /** The anonymous id of the phone that sent it (the presenter's deck only: '' on a phone and on paper). */
  from: string;
  /** The digit its author meant, 0–9. */
  label: number;
  /** The 28 × 28 image, 784 bytes (0 paper, 255 ink) in base64: a sixth of the same numbers as JSON. */
  pixels: string;
  /** The network's answer, once it gave one. */
  guess: number | undefined;
  /** The ten probabilities behind it. */
  probabilities: number[] | undefined;
  /** waiting: asked; classified: answered; unclassified: no network answered in time ("not classified yet"). */
  status: 'waiting' | 'classified' | 'unclassified';
  /** Hidden by the presenter: not shown, not published, not trained on. */
  hidden: boolean;
}

/** "Train with your digits": the run, the halves, and the accuracy on the held-out half before and after. */
export interface FineTune {
  id: string | undefined;
  state: RunState;
  /** Room digits trained on, and held out. */
  train: number;
  heldOut: number;
  before: number | undefined;
  after: number | undefined;
  /** The held-out accuracy after each epoch. */
  curve: number[];
  /** How many fine-tuning runs were started: the seed of the next split. */
  count: number;
}

/** What the presenter tells one phone about its digit (reply kind `digit-result`). */
export interface DigitResult {
  label: number;
  /** Absent while no network has classified it. */
  guess?: number;
  probabilities?: number[];
}

/** One digit as the phones see it. */
export interface PublicDigit {
  id: number;
  label: number;
  guess?: number;
  pixels: string;
}

/** What phones are shown, under the room key `wall`: the room's figures and its latest visible digits, no sender's id. */
export interface PublicWall {
  /** Visible digits on the wall. */
  count: number;
  /** Accuracy on the visible classified digits. */
  accuracy?: number;
  testAccuracy?: number;
  heldOutBefore?: number;
  heldOutAfter?: number;
  digits: PublicDigit[];
}

/** The phone's side: a drawing, the digit it is meant to be, and what came back. */
export interface Pad {
  strokes: number[][];
  label: number | undefined;
  /** Digits this phone sent. */
  sent: number;
  result: DigitResult | undefined;
  /** What to tell the person now: a refusal from the relay, a missing label, where the digit is. */
  line: string;
}

export interface RoomDigitsState {
  /** The presenter's deck (and its speaker view), a phone, or a deck without a room (and paper). */
  side: 'projector' | 'phone' | 'alone';
  wall: WallEntry[];
  nextId: number;
  /** Whether the worker has weights to classify with: unknown until a run finishes or a question is answered or times out. */
  network: 'unknown' | 'none' | 'ready';
  /** The newest finished run's MNIST test accuracy. */
  testAccuracy: number | undefined;
  /** The short run T trains when no network has been. */
  run: TrainedRun;
  fineTune: FineTune;
  testSize: number;
  status: WorkerStatus;
  /** Phone: what the presenter published. */
  shared: PublicWall | undefined;
  pad: Pad;
  /** The wall is a recorded one (paper, no room): the sentence that says so. */
  recorded: string | undefined;
  /** Why the presenter's last key did nothing, in a sentence; cleared by the next action. */
  note: string | undefined;
}

export type RoomDigitsAction =
  /** T: train the lecture's network briefly; pause or resume it. */
  | { type: 'train' }
  /** Y: fine-tune on half of the room's digits. */
  | { type: 'fine-tune' }
  /** C: clear the wall. */
  | { type: 'clear' }
  /** The projector's or the speaker view's button on one digit. */
  | { type: 'hide'; id: number; hidden: boolean }
  /** After an error, the run controls' "Try again". */
  | { type: 'retry' }
  /** Phone: the drawing changed. */
  | { type: 'draw'; strokes: number[][] }
  | { type: 'clear-pad' }
  /** Phone: "I drew a …". */
  | { type: 'label'; label: number }
  | { type: 'send' };

export function newFineTune(): FineTune {
  return { id: undefined, state: 'waiting', train: 0, heldOut: 0, before: undefined, after: undefined, curve: [], count: 0 };
}

export function newPad(): Pad {
  return { strokes: [], label: undefined, sent: 0, result: undefined, line: '' };
}

/** The spec of a run, shortened by the address as the other lab demos' are. */
export function shortened(spec: RunSpec, s: Shortening): RunSpec {
  return { ...spec, ...(s.trainSize ? { trainSize: s.trainSize } : {}), ...(s.epochs ? { epochs: s.epochs } : {}) };
}

export function initialRoomDigits(s: Shortening): RoomDigitsState {
  return {
    side: 'alone',
    wall: [],
    nextId: 1,
    network: 'unknown',
    testAccuracy: undefined,
    run: newRun(shortened(SHORT_RUN, s)),
    fineTune: newFineTune(),
    testSize: s.testSize ?? TEST_SIZE,
    status: newStatus(),
    shared: undefined,
    pad: newPad(),
    recorded: undefined,
    note: undefined,
  };
}

// Pixels --------------------------------------------------------------------

/** 784 values from 0 to 1 (a phone's digit) as bytes from 0 to 255. */
export function toBytes(values: ArrayLike<number>): Uint8Array {
  return Uint8Array.from({ length: values.length }, (_, i) => Math.round(Math.min(1, Math.max(0, values[i]!)) * 255));
}

export function encodePixels(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}

/** The bytes of a digit; all paper when the text is not 784 bytes of base64. */
export function decodePixels(pixels: string): Uint8Array {
  try {
    const text = atob(pixels);
    if (text.length === IMAGE_BYTES) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  } catch {
    // Not base64: drawn as paper below.
  }
  return new Uint8Array(IMAGE_BYTES);
}

/** The network's input for a digit on the wall: 784 values from 0 to 1. */
export function inputOf(entry: WallEntry): Float32Array {
  return Float32Array.from(decodePixels(entry.pixels), (v) => v / 255);
}

// The wall ------------------------------------------------------------------

/** Adds a digit (already checked) as waiting for its guess; the oldest go when the wall is full. */
export function addDigit(s: RoomDigitsState, digit: { from: string; label: number; pixels: Uint8Array }): RoomDigitsState {
  const entry: WallEntry = {
    id: s.nextId,
    from: digit.from,
    label: digit.label,
    pixels: encodePixels(digit.pixels),
    guess: undefined,
    probabilities: undefined,
    status: 'waiting',
    hidden: false,
  };
  return { ...s, wall: [...s.wall, entry].slice(-WALL_CAP), nextId: s.nextId + 1 };
}

function withEntry(s: RoomDigitsState, id: number, change: (entry: WallEntry) => WallEntry): RoomDigitsState {
  const index = s.wall.findIndex((e) => e.id === id);
  if (index < 0) return s;
  const entry = s.wall[index]!;
  const next = change(entry);
  if (next === entry) return s;
  const wall = [...s.wall];
  wall[index] = next;
  return { ...s, wall };
}

/** Records the network's answer for a digit; a network answered, so one is trained. */
export function classify(s: RoomDigitsState, id: number, probabilities: ArrayLike<number>): RoomDigitsState {
  const p = Array.from(probabilities, (v) => Math.round(v * 1e4) / 1e4);
  const next = withEntry(s, id, (e) => ({ ...e, guess: argmax(probabilities, 0, 10), probabilities: p, status: 'classified' }));
  return next.network === 'ready' ? next : { ...next, network: 'ready' };
}

/** No network answered in time: the digit is "not classified yet", and until one does, no network is trained. */
export function unclassified(s: RoomDigitsState, id: number): RoomDigitsState {
  const next = withEntry(s, id, (e) => (e.status === 'waiting' ? { ...e, status: 'unclassified' } : e));
  return next.network === 'ready' ? next : { ...next, network: 'none' };
}

/** The digit is being asked about (again). */
export function waiting(s: RoomDigitsState, id: number): RoomDigitsState {
  return withEntry(s, id, (e) => (e.status === 'waiting' ? e : { ...e, status: 'waiting' }));
}

export function hide(s: RoomDigitsState, id: number, hidden: boolean): RoomDigitsState {
  return withEntry(s, id, (e) => (e.hidden === hidden ? e : { ...e, hidden }));
}

export function clearWall(s: RoomDigitsState): RoomDigitsState {
  return s.wall.length === 0 ? s : { ...s, wall: [] };
}

export function visible(wall: readonly WallEntry[]): WallEntry[] {
  return wall.filter((e) => !e.hidden);
}

/** Accuracy on the room's visible classified digits: how many were read right, of how many. */
export function roomAccuracy(wall: readonly WallEntry[]): { right: number; classified: number; accuracy: number | undefined } {
  let right = 0;
  let classified = 0;
  for (const e of wall) {
    if (e.hidden || e.guess === undefined) continue;
    classified++;
    if (e.guess === e.label) right++;
  }
  return { right, classified, accuracy: classified === 0 ? undefined : right / classified };
}

/** What the presenter replies to the phone that sent a digit. */
export function resultOf(entry: WallEntry): DigitResult {
  return {
    label: entry.label,
    ...(entry.guess === undefined ? {} : { guess: entry.guess }),
    ...(entry.probabilities ? { probabilities: entry.probabilities } : {}),
  };
}

// Training with the room's digits -------------------------------------------

/**
 * Splits the room's digits in two halves, one to train on and one held out,
 * with a seed: each digit that has at least two examples lands in both
 * halves (stratified), odd ones out and single examples go to whichever half
 * is smaller, so the halves differ by at most one. The same digits and seed
 * give the same halves.
 */
export function splitRoom<T extends { label: number }>(entries: readonly T[], seed: number): { train: T[]; heldOut: T[] } {
  const random = mulberry32(seed);
  const train: T[] = [];
  const heldOut: T[] = [];
  const rest: T[] = [];
  for (let label = 0; label < 10; label++) {
    const group = shuffleInPlace(
      entries.filter((e) => e.label === label),
      random,
    );
    const half = Math.floor(group.length / 2);
    if (half === 0) {
      rest.push(...group);
      continue;
    }
    train.push(...group.slice(0, half));
    heldOut.push(...group.slice(half, 2 * half));
    rest.push(...group.slice(2 * half));
  }
  for (const e of shuffleInPlace(rest, random)) (train.length <= heldOut.length ? train : heldOut).push(e);
  return { train, heldOut };
}

/** Times each room digit is repeated so that the room's digits make up ROOM_SHARE of a run on `trainSize` MNIST images. */
export function repeatsFor(digits: number, trainSize: number): number {
  if (digits === 0) return 0;
  return Math.max(1, Math.min(MAX_REPEAT, Math.round((ROOM_SHARE * trainSize) / digits)));
}

/** Labels and images (784 bytes each) of some wall digits, each `repeat` times, as the worker takes extra examples. */
export function examplesOf(entries: readonly WallEntry[], repeat = 1): { labels: Uint8Array; images: Uint8Array } {
  const n = entries.length * repeat;
  const labels = new Uint8Array(n);
  const images = new Uint8Array(n * IMAGE_BYTES);
  let k = 0;
  for (const e of entries) {
    const bytes = decodePixels(e.pixels);
    for (let r = 0; r < repeat; r++, k++) {
      labels[k] = e.label;
      images.set(bytes, k * IMAGE_BYTES);
    }
  }
  return { labels, images };
}

/** Whether "Train with your digits" can run now, and if not, why, in a sentence. */
export function fineTuneBlocked(s: RoomDigitsState): string | undefined {
  if (s.fineTune.state === 'queued' || s.fineTune.state === 'loading' || s.fineTune.state === 'training')
    return 'The network is training with your digits already.';
  if (s.network !== 'ready') return 'Train a network first (T), then train it with your digits.';
  const n = visible(s.wall).length;
  if (n < MIN_FINE_TUNE) return `Training with your digits needs at least ${MIN_FINE_TUNE} on the wall; it has ${n}.`;
  return undefined;
}

/** The state once a fine-tuning run `id` was submitted with halves of these sizes. */
export function beginFineTune(s: RoomDigitsState, id: string, train: number, heldOut: number): RoomDigitsState {
  return {
    ...s,
    fineTune: { ...newFineTune(), id, state: 'queued', train, heldOut, count: s.fineTune.count + 1 },
    status: { ...s.status, error: undefined },
  };
}

function foldFineTune(f: FineTune, message: FromWorker): FineTune {
  if (!('run' in message) || message.run === undefined || message.run !== f.id) return f;
  switch (message.type) {
    case 'state':
      return message.state === f.state ? f : { ...f, state: message.state };
    case 'epoch':
      return message.heldOutAccuracy === undefined ? f : { ...f, curve: [...f.curve.slice(0, message.epoch - 1), message.heldOutAccuracy] };
    case 'done':
      return {
        ...f,
        before: message.heldOutBefore ?? f.before,
        after: message.heldOutAfter ?? f.curve.at(-1) ?? f.after,
      };
    default:
      return f;
  }
}

/**
 * Folds a worker report into the state (pure): the short run, the
 * fine-tuning, the worker's status, and from any run that finishes, the
 * newest MNIST test accuracy, which is the network the worker now
 * classifies with. The same state when the report changes nothing here.
 */
export function update(s: RoomDigitsState, message: FromWorker): RoomDigitsState {
  const status = foldStatus(s.status, message, [s.run.id, s.fineTune.id]);
  const run = foldRun(s.run, message);
  const fineTune = foldFineTune(s.fineTune, message);
  const done = message.type === 'done';
  if (status === s.status && run === s.run && fineTune === s.fineTune && !done) return s;
  return {
    ...s,
    status,
    run,
    fineTune,
    ...(done ? { testAccuracy: message.testAccuracy, network: 'ready' as const } : {}),
  };
}

// What the room sees ---------------------------------------------------------

/** The room's figures, on the side this state is drawn on. */
export interface RoomFigures {
  count: number;
  right: number;
  classified: number;
  roomAccuracy: number | undefined;
  testAccuracy: number | undefined;
  heldOutBefore: number | undefined;
  heldOutAfter: number | undefined;
}

export function figures(s: RoomDigitsState): RoomFigures {
  if (s.side === 'phone') {
    const w = s.shared;
    return {
      count: w?.count ?? 0,
      right: 0,
      classified: 0,
      roomAccuracy: w?.accuracy,
      testAccuracy: w?.testAccuracy,
      heldOutBefore: w?.heldOutBefore,
      heldOutAfter: w?.heldOutAfter,
    };
  }
  const room = roomAccuracy(s.wall);
  return {
    count: visible(s.wall).length,
    right: room.right,
    classified: room.classified,
    roomAccuracy: room.accuracy,
    testAccuracy: s.testAccuracy,
    heldOutBefore: s.fineTune.before,
    heldOutAfter: s.fineTune.after,
  };
}

/** What the presenter publishes as `wall`: visible digits only, the latest with their pixels, and never who sent one. */
export function publicWall(s: RoomDigitsState): PublicWall {
  const f = figures(s);
  const shown = visible(s.wall).slice(-PUBLISHED_DIGITS);
  return {
    count: f.count,
    ...(f.roomAccuracy === undefined ? {} : { accuracy: round(f.roomAccuracy) }),
    ...(f.testAccuracy === undefined ? {} : { testAccuracy: round(f.testAccuracy) }),
    ...(f.heldOutBefore === undefined ? {} : { heldOutBefore: round(f.heldOutBefore) }),
    ...(f.heldOutAfter === undefined ? {} : { heldOutAfter: round(f.heldOutAfter) }),
    digits: shown.map((e) => ({ id: e.id, label: e.label, ...(e.guess === undefined ? {} : { guess: e.guess }), pixels: e.pixels })),
  };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

const isDigit = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 9;
const isShare = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** A published wall, checked: a phone draws nothing it cannot trust the shape of. */
export function readPublicWall(value: unknown): PublicWall | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.count !== 'number' || !Number.isInteger(v.count) || v.count < 0 || !Array.isArray(v.digits)) return undefined;
  const digits: PublicDigit[] = [];
  for (const d of v.digits as unknown[]) {
    if (d === null || typeof d !== 'object') continue;
    const x = d as Record<string, unknown>;
    if (typeof x.id !== 'number' || !isDigit(x.label) || typeof x.pixels !== 'string') continue;
    digits.push({ id: x.id, label: x.label, ...(isDigit(x.guess) ? { guess: x.guess } : {}), pixels: x.pixels });
  }
  const share = (key: string) => (isShare(v[key]) ? { [key]: v[key] } : {});
  return { count: v.count, ...share('accuracy'), ...share('testAccuracy'), ...share('heldOutBefore'), ...share('heldOutAfter'), digits };
}

/** A reply about this phone's digit, checked. */
export function readResult(value: unknown): DigitResult | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (!isDigit(v.label)) return undefined;
  const probabilities =
    Array.isArray(v.probabilities) && v.probabilities.length === 10 && v.probabilities.every(isShare)
      ? (v.probabilities as number[])
      : undefined;
  return { label: v.label, ...(isDigit(v.guess) ? { guess: v.guess } : {}), ...(probabilities ? { probabilities } : {}) };
}

/** Wall entries for a phone's mini wall, from what the presenter published. */
export function wallOf(shared: PublicWall | undefined): WallEntry[] {
  return (shared?.digits ?? []).map((d) => ({
    id: d.id,
    from: '',
    label: d.label,
    pixels: d.pixels,
    guess: d.guess,
    probabilities: undefined,
    status: d.guess === undefined ? 'unclassified' : 'classified',
    hidden: false,
  }));
}

// Sentences ------------------------------------------------------------------

/**
 * Who reads the line: the room (the projector, and paper) or the presenter
 * (the speaker view's preview, which also has the wall's buttons).
 */
export type WallReader = 'room' | 'presenter';

/**
 * What the projector's line says: the network, the runs, and the wall. The
 * room is told what is happening and names no key; the presenter, in the
 * speaker view, is also told what to press. Empty for the room while the
 * wall is empty: the wall itself invites the room to draw.
 */
export function announcement(s: RoomDigitsState, reader: WallReader = 'room'): string {
  if (s.status.error) return s.status.error.message;
  const run = singleRunState(s.run, s.status);
  if (run === 'training' || run === 'paused') return `Training the lecture’s network briefly: ${runProgress(s.run)}.`;
  const f = s.fineTune;
  if (f.state === 'queued' || f.state === 'loading' || f.state === 'training')
    return `Training with ${f.train} of your digits; ${f.heldOut} held out to measure it.`;
  if (f.state === 'done' && f.before !== undefined && f.after !== undefined)
    return `Trained with ${f.train} of your digits: the ${f.heldOut} held out went from ${percent(f.before)} to ${percent(f.after)} right.`;
  if (s.network === 'none')
    return reader === 'presenter'
      ? 'No network has been trained yet: train it on the live slide, or press T here for a short run (6,000 images, one epoch).'
      : 'No network has been trained yet: your digits are read as soon as one is.';
  const n = visible(s.wall).length;
  if (n === 0)
    return reader === 'presenter' ? 'The wall is empty: the phones that follow the deck show a pad to draw a digit on and send it.' : '';
  const room = roomAccuracy(s.wall);
  return room.classified === 0
    ? `${n} digit${n === 1 ? '' : 's'} from the room, not classified yet.`
    : `${room.right} of ${room.classified} of your digits read right.`;
}

/**
 * The part of the wall a window of `tiles` places shows, newest first: the
 * whole wall when it fits; otherwise the newest `tiles - 1` digits, and the
 * last place says how many more there are (`more`), so that the wall is
 * whole rows and never a box to scroll.
 */
export function wallWindow(wall: readonly WallEntry[], tiles: number): { shown: WallEntry[]; more: number } {
  const room = Math.max(1, Math.floor(tiles));
  if (wall.length <= room) return { shown: [...wall].reverse(), more: 0 };
  const shown = wall.slice(wall.length - (room - 1)).reverse();
  return { shown, more: wall.length - shown.length };
}

/** "a 7", "an 8": a digit with its article, as a sentence says it. */
export function aDigit(d: number): string {
  return `${d === 8 ? 'an' : 'a'} ${d}`;
}

/** What the phone's line says about its digit. */
export function resultLine(result: DigitResult): string {
  if (result.guess === undefined)
    return `Your ${result.label} is on the wall; no network has been trained yet, so it is not classified yet.`;
  return `The network read your ${result.label} as ${aDigit(result.guess)}: ${result.guess === result.label ? 'right' : 'wrong'}.`;
}
