/**
 * What the live slide shows, as plain data, and how each message from the
 * training worker changes it. The view draws this state and nothing else;
 * this module has no DOM and is unit-tested.
 */
import type { BackendName, TrainingConfig } from '../../train/config.ts';
import { formatDuration } from '../../lib/format.ts';
import { smooth } from '../../train/metrics.ts';
import { assertNever, type BackendChoice, type FromWorker, type TrainerState } from '../../train/protocol.ts';
import type { RunSpec } from '../../train/spec.ts';
import { MAX_RUNS, thin, whatChanged, type PastRun, type SpecChange } from './runs.ts';

export interface LiveState {
  /** The run on the charts now (its spec and the session's settings): the lecture's program until changed. */
  config: TrainingConfig;
  /** Its id in the training worker, once started. */
  run: string | undefined;
  state: TrainerState;
  /** The lecture's program, as the address shortened it: what every run is compared with. */
  base: RunSpec;
  /** The next run's settings, as the panel shows them. */
  next: RunSpec;
  /** Runs a prepared link asked for, still to train, in order. */
  pending: RunSpec[];
  /** Earlier runs, drawn faded behind the current one. */
  history: PastRun[];
  /** Seconds the current run took, once done. */
  seconds: number | undefined;
  backend: BackendName | undefined;
  /** How the backend was chosen: the figures measured, and what was passed over. */
  choice: BackendChoice | undefined;
  /** WebAssembly threads in use (0 on other backends). */
  threads: number;
  /** The first layer's weights of some hidden units (or of the ten classes), as 28 × 28 images. */
  templates: { units: number[]; images: Float32Array; limit: number } | undefined;
  /** Why backends before the current one were passed over. */
  backendNotes: string[];
  /** Messages about recoveries, newest last. */
  notices: string[];
  error: { message: string; retry: 'start' | 'reset' | 'reload' } | undefined;
  data: { split: 'train' | 'test'; loadedBytes: number; totalBytes: number; loadedExamples: number; totalExamples: number } | undefined;
  /** Per batch, in order: global step, loss and accuracy. */
  steps: number[];
  losses: number[];
  accuracies: number[];
  epoch: number;
  stepInEpoch: number;
  examplesPerSecond: number;
  epochs: { epoch: number; accuracy: number; loss: number; confusion: number[][] }[];
  grid: { indices: number[]; labels: number[]; predicted: number[]; confidence: number[]; images: Uint8Array } | undefined;
  tensors: number | undefined;
  /** The digit drawn on the pad: strokes of x, y pairs in pad pixels (0–280). */
  strokes: number[][];
  /** The network's ten probabilities for the drawing, once it has answered. */
  probabilities: number[] | undefined;
}

/** What a person can do on the live slide (keys, buttons, the pad), in any window. */
export type LiveAction =
  | { type: 'toggle' }
  | { type: 'reset' }
  | { type: 'retry'; kind: 'start' | 'reset' | 'reload' }
  | { type: 'draw'; strokes: number[][] }
  | { type: 'clear' }
  | { type: 'set'; change: SpecChange }
  | { type: 'remove'; run: string };

export function initialState(config: TrainingConfig, pending: RunSpec[] = []): LiveState {
  const { testSize: _t, backends: _b, loop: _l, ...base } = config;
  return {
    config,
    run: undefined,
    state: 'idle',
    base,
    next: pending[0] ?? base,
    pending,
    history: [],
    seconds: undefined,
    backend: undefined,
    choice: undefined,
    threads: 0,
    templates: undefined,
    backendNotes: [],
    notices: [],
    error: undefined,
    data: undefined,
    steps: [],
    losses: [],
    accuracies: [],
    epoch: 0,
    stepInEpoch: 0,
    examplesPerSecond: 0,
    epochs: [],
    grid: undefined,
    tensors: undefined,
    strokes: [],
    probabilities: undefined,
  };
}

export function stepsPerEpoch(config: TrainingConfig): number {
  return Math.ceil(config.trainSize / config.batchSize);
}

/** Whether a message is about another run than the one on the charts (the worker is shared). */
function foreign(s: LiveState, message: FromWorker): boolean {
  return 'run' in message && message.run !== undefined && message.run !== s.run;
}

/** Applies one worker message to the state (in place, for speed) and returns it. */
export function update(s: LiveState, message: FromWorker): LiveState {
  if (foreign(s, message)) return s;
  switch (message.type) {
    case 'backend':
      s.backend = message.backend;
      s.backendNotes = message.notes;
      if (message.choice.how !== 'first' || !s.choice) s.choice = message.choice;
      s.threads = message.threads;
      break;
    case 'state':
      s.state = message.state;
      if (message.state !== 'error') s.error = undefined;
      if (message.state === 'idle') resetRun(s);
      break;
    case 'done':
      s.seconds = message.seconds;
      break;
    case 'templates':
      s.templates = { units: message.units, images: message.images, limit: message.limit };
      break;
    case 'inspection':
      break;
    case 'data':
      s.data = { ...message };
      break;
    case 'batches':
      for (const b of message.batches) {
        s.steps.push(b.step);
        s.losses.push(b.loss);
        s.accuracies.push(b.accuracy);
        s.epoch = b.epoch;
        s.stepInEpoch = b.stepInEpoch;
      }
      s.examplesPerSecond = message.examplesPerSecond;
      break;
    case 'epoch':
      s.epochs = [
        ...s.epochs.filter((e) => e.epoch !== message.epoch),
        { epoch: message.epoch, accuracy: message.accuracy, loss: message.loss, confusion: message.confusion },
      ];
      break;
    case 'test-predictions': {
      const images = message.images.length > 0 ? message.images : (s.grid?.images ?? new Uint8Array(0));
      s.grid = { indices: message.indices, labels: message.labels, predicted: message.predicted, confidence: message.confidence, images };
      break;
    }
    case 'tensors':
      s.tensors = message.count;
      break;
    case 'notice':
      s.notices = [...s.notices, message.message];
      break;
    case 'error':
      s.error = { message: message.message, retry: message.retry };
      break;
    case 'prediction':
      s.probabilities = Array.from(message.probabilities);
      break;
    default:
      assertNever(message);
  }
  return s;
}

/** Starts showing a new run: the current one, if it has a curve, goes to the history (the oldest falls off past MAX_RUNS). */
export function beginRun(s: LiveState, id: string, spec: RunSpec): LiveState {
  archive(s);
  s.run = id;
  s.config = { ...s.config, ...spec };
  s.state = 'queued';
  s.seconds = undefined;
  s.templates = undefined;
  s.error = undefined;
  resetRun(s);
  return s;
}

/**
 * Reset (R): the run on the charts stops and leaves them. A finished run
 * stays beside the next as an earlier run; an unfinished one is dropped.
 */
export function discardRun(s: LiveState): LiveState {
  if (s.state === 'done') archive(s);
  s.run = undefined;
  s.state = 'idle';
  s.seconds = undefined;
  s.templates = undefined;
  s.error = undefined;
  resetRun(s);
  return s;
}

/** Moves the current run's curves to the history. */
export function archive(s: LiveState): void {
  if (!s.run || s.steps.length === 0) return;
  const { testSize: _t, backends: _b, loop: _l, ...spec } = s.config;
  const loss = smooth(s.losses, 0.95);
  const accuracy = smooth(s.accuracies, 0.95);
  const keep = thin(Array.from(s.steps.keys()), 150);
  s.history = [
    ...s.history,
    {
      id: s.run,
      spec,
      label: whatChanged(spec, s.base),
      x: keep.map((i) => s.steps[i]!),
      loss: keep.map((i) => loss[i]!),
      accuracy: keep.map((i) => accuracy[i]!),
      steps: stepsPerEpoch(s.config) * s.config.epochs,
      testAccuracy: lastTestAccuracy(s),
      seconds: s.seconds,
    },
  ].slice(-(MAX_RUNS - 1));
  s.run = undefined;
}

function resetRun(s: LiveState): void {
  s.steps = [];
  s.losses = [];
  s.accuracies = [];
  s.epoch = 0;
  s.stepInEpoch = 0;
  s.examplesPerSecond = 0;
  s.epochs = [];
  s.notices = [];
  if (s.grid) s.grid = { ...s.grid, predicted: [], confidence: [] };
}

/** Accuracy over the last few batches, smoothed: the "training accuracy" figure. */
export function recentAccuracy(s: LiveState): number | undefined {
  return s.accuracies.length === 0 ? undefined : smooth(s.accuracies.slice(-50), 0.8).at(-1);
}

export function recentLoss(s: LiveState): number | undefined {
  return s.losses.length === 0 ? undefined : smooth(s.losses.slice(-50), 0.8).at(-1);
}

export function lastTestAccuracy(s: LiveState): number | undefined {
  return s.epochs.at(-1)?.accuracy;
}

/** Seconds left, from the examples per second and the examples still to train. */
export function secondsLeft(s: LiveState): number {
  const total = s.config.trainSize * s.config.epochs;
  const done = (s.epoch - 1) * s.config.trainSize + Math.min(s.config.trainSize, s.stepInEpoch * s.config.batchSize);
  return s.examplesPerSecond > 0 ? (total - done) / s.examplesPerSecond : Number.NaN;
}

const number = new Intl.NumberFormat('en');

/** "1 epoch", "5 epochs": a count with its noun, singular or plural. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${number.format(n)} ${n === 1 ? noun : plural}`;
}

/** The progress line under the bar. */
export function progressLine(s: LiveState): string {
  if (s.state === 'queued') return 'Waiting: another demo’s run is training in this page; this one starts when it is done.';
  if (s.state === 'idle')
    return `Ready: ${count(s.config.trainSize, 'training image')}, ${count(s.config.epochs, 'epoch')} of ${count(stepsPerEpoch(s.config), 'batch', 'batches')} of ${s.config.batchSize}.`;
  if (s.state === 'loading' && s.steps.length === 0) {
    const d = s.data;
    return d
      ? `Loading the ${d.split === 'train' ? 'training' : 'test'} images: ${(d.loadedBytes / 1e6).toFixed(1)} of ${(d.totalBytes / 1e6).toFixed(1)} MB`
      : 'Loading the training images…';
  }
  const parts = [
    `Epoch ${Math.max(1, s.epoch)} of ${s.config.epochs}`,
    `batch ${s.stepInEpoch} of ${stepsPerEpoch(s.config)}`,
    `${number.format(Math.round(s.examplesPerSecond))} examples/s`,
  ];
  if (s.state === 'done') {
    const took = s.seconds === undefined ? '' : ` in ${formatDuration(s.seconds)}`;
    return `Done: ${count(s.config.epochs, 'epoch')}, ${count(s.steps.at(-1) ?? 0, 'step')}${took}. Test accuracy ${percent(lastTestAccuracy(s))}.`;
  }
  parts.push(`${formatDuration(secondsLeft(s))} left`);
  return parts.join(' · ') + (s.state === 'paused' ? ' · paused' : '');
}

/** How far along the whole run is, 0–1. */
export function progressFraction(s: LiveState): number {
  if (s.state === 'done') return 1;
  const total = stepsPerEpoch(s.config) * s.config.epochs;
  return total === 0 ? 0 : (s.steps.at(-1) ?? 0) / total;
}

/** The sentence a screen reader hears, at most every few seconds. */
export function announcement(s: LiveState): string {
  const test = lastTestAccuracy(s);
  const loss = recentLoss(s);
  switch (s.state) {
    case 'idle':
      return 'Training is ready to start.';
    case 'queued':
      return 'Waiting for another run to finish.';
    case 'loading':
      return 'Loading the MNIST images.';
    case 'error':
      return `Training stopped: ${s.error?.message ?? 'an error'}`;
    case 'done':
      return `Training done after ${count(s.config.epochs, 'epoch')}: test accuracy ${percent(test)}.`;
    default:
      return [
        `epoch ${Math.max(1, s.epoch)} of ${s.config.epochs}`,
        loss === undefined ? undefined : `loss ${loss.toFixed(2)}`,
        test === undefined ? undefined : `test accuracy ${percent(test, 0)}`,
        s.state === 'paused' ? 'paused' : undefined,
      ]
        .filter(Boolean)
        .join(', ');
  }
}

import { percent } from '../../lib/format.ts';
export { percent };
