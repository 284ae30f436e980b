/**
 * What the live slide shows, as plain data, and how each message from the
 * training worker changes it: a pure reducer (a message in, a new state
 * out; nothing is changed in place), and the figures read off a state. The
 * view draws this state and nothing else; its sentences are in
 * narration.ts. No DOM; unit-tested.
 */
import type { BackendName, TrainingConfig } from '../../train/model/config.ts';
import { smooth } from '../../train/model/metrics.ts';
import { assertNever, type BackendChoice, type FromWorker, type TrainerState } from '../../train/protocol.ts';
import { stepsOfRun, type RunSpec } from '../../train/model/spec.ts';
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
  /** Why WebAssembly runs on one thread, when the browser allows no more. */
  oneThread?: string;
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

/** Whether a message is about another run than the one on the charts (the worker is shared). */
function foreign(s: LiveState, message: FromWorker): boolean {
  return 'run' in message && message.run !== undefined && message.run !== s.run;
}

/** Folds one worker message into the state: a new state, or the same one when the message is another run's. */
export function update(s: LiveState, message: FromWorker): LiveState {
  if (foreign(s, message)) return s;
  switch (message.type) {
    case 'backend':
      return {
        ...s,
        backend: message.backend,
        backendNotes: message.notes,
        // A fallback's "first that worked" keeps the measurement the slide already shows.
        choice: message.choice.how !== 'first' || !s.choice ? message.choice : s.choice,
        threads: message.threads,
        oneThread: message.oneThread,
      };
    case 'state': {
      const next = { ...s, state: message.state, error: message.state === 'error' ? s.error : undefined };
      return message.state === 'idle' ? withoutCurves(next) : next;
    }
    case 'done':
      return { ...s, seconds: message.seconds };
    case 'templates':
      return { ...s, templates: { units: message.units, images: message.images, limit: message.limit } };
    case 'inspection':
      return s;
    case 'data':
      return { ...s, data: { ...message } };
    case 'batches': {
      const last = message.batches.at(-1);
      return {
        ...s,
        steps: [...s.steps, ...message.batches.map((b) => b.step)],
        losses: [...s.losses, ...message.batches.map((b) => b.loss)],
        accuracies: [...s.accuracies, ...message.batches.map((b) => b.accuracy)],
        epoch: last?.epoch ?? s.epoch,
        stepInEpoch: last?.stepInEpoch ?? s.stepInEpoch,
        examplesPerSecond: message.examplesPerSecond,
      };
    }
    case 'epoch':
      return {
        ...s,
        epochs: [
          ...s.epochs.filter((e) => e.epoch !== message.epoch),
          { epoch: message.epoch, accuracy: message.accuracy, loss: message.loss, confusion: message.confusion },
        ],
      };
    case 'test-predictions': {
      // The digits' pixels come with the first report only.
      const images = message.images.length > 0 ? message.images : (s.grid?.images ?? new Uint8Array(0));
      const { indices, labels, predicted, confidence } = message;
      return { ...s, grid: { indices, labels, predicted, confidence, images } };
    }
    case 'tensors':
      return { ...s, tensors: message.count };
    case 'notice':
      return { ...s, notices: [...s.notices, message.message] };
    case 'error':
      return { ...s, error: { message: message.message, retry: message.retry } };
    case 'prediction':
      return { ...s, probabilities: Array.from(message.probabilities) };
    default:
      return assertNever(message);
  }
}

/** Starts showing a new run: the current one, if it has a curve, goes to the history (the oldest falls off past MAX_RUNS). */
export function beginRun(s: LiveState, id: string, spec: RunSpec): LiveState {
  const archived = archive(s);
  return withoutCurves({
    ...archived,
    run: id,
    config: { ...archived.config, ...spec },
    state: 'queued',
    seconds: undefined,
    templates: undefined,
    error: undefined,
  });
}

/**
 * Reset (R): the run on the charts stops and leaves them. A finished run
 * stays beside the next as an earlier run; an unfinished one is dropped.
 */
export function discardRun(s: LiveState): LiveState {
  const kept = s.state === 'done' ? archive(s) : s;
  return withoutCurves({ ...kept, run: undefined, state: 'idle', seconds: undefined, templates: undefined, error: undefined });
}

/** The state with the current run's curves moved to the history, and no current run. */
export function archive(s: LiveState): LiveState {
  if (!s.run || s.steps.length === 0) return s;
  const { testSize: _t, backends: _b, loop: _l, ...spec } = s.config;
  const loss = smooth(s.losses, 0.95);
  const accuracy = smooth(s.accuracies, 0.95);
  const keep = thin(Array.from(s.steps.keys()), 150);
  const past: PastRun = {
    id: s.run,
    spec,
    label: whatChanged(spec, s.base),
    x: keep.map((i) => s.steps[i]!),
    loss: keep.map((i) => loss[i]!),
    accuracy: keep.map((i) => accuracy[i]!),
    steps: stepsOfRun(s.config),
    testAccuracy: lastTestAccuracy(s),
    seconds: s.seconds,
  };
  return { ...s, history: [...s.history, past].slice(-(MAX_RUNS - 1)), run: undefined };
}

/** The state with no curves, no notices and the grid's guesses cleared (its digits kept). */
function withoutCurves(s: LiveState): LiveState {
  return {
    ...s,
    steps: [],
    losses: [],
    accuracies: [],
    epoch: 0,
    stepInEpoch: 0,
    examplesPerSecond: 0,
    epochs: [],
    notices: [],
    grid: s.grid ? { ...s.grid, predicted: [], confidence: [] } : undefined,
  };
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

/** How far along the whole run is, 0–1. */
export function progressFraction(s: LiveState): number {
  if (s.state === 'done') return 1;
  const total = stepsOfRun(s.config);
  return total === 0 ? 0 : (s.steps.at(-1) ?? 0) / total;
}
