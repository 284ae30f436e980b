/**
 * A run trained in the page's worker, as the demos that compare runs keep
 * it (model comparison, overfitting, the ruler): its progress, its curve of
 * accuracies per epoch and its results, updated from the worker's reports.
 * Also the worker's state that every such demo shows: backend, notices and
 * errors. Pure data and pure functions: no DOM, unit-tested under Node.
 */
import type { BackendName } from '../../train/config.ts';
import { formatDuration, number } from '../../lib/format.ts';
import type { FromWorker, MarkedEvaluation, TrainerState } from '../../train/protocol.ts';
import type { RunSpec } from '../../train/spec.ts';

export type RunState = TrainerState | 'waiting';

export interface TrainedRun {
  /** The worker's id for it, once submitted. */
  id: string | undefined;
  spec: RunSpec;
  state: RunState;
  /** Optimizer steps done, and in the whole run. */
  step: number;
  steps: number;
  /** Epochs finished. */
  epoch: number;
  examplesPerSecond: number;
  /** After each epoch: test accuracy, and training accuracy when measured. */
  curve: { epoch: number; test: number; train?: number }[];
  testAccuracy: number | undefined;
  trainAccuracy: number | undefined;
  marked: MarkedEvaluation | undefined;
  /** Seconds the run took, once done. */
  seconds: number | undefined;
}

export function stepsOf(spec: RunSpec): number {
  return Math.ceil(spec.trainSize / spec.batchSize) * spec.epochs;
}

export function newRun(spec: RunSpec): TrainedRun {
  return {
    id: undefined,
    spec,
    state: 'waiting',
    step: 0,
    steps: stepsOf(spec),
    epoch: 0,
    examplesPerSecond: 0,
    curve: [],
    testAccuracy: undefined,
    trainAccuracy: undefined,
    marked: undefined,
    seconds: undefined,
  };
}

/** Applies a report about this run (reports about others are ignored); true when it changed the run. */
export function applyToRun(run: TrainedRun, message: FromWorker): boolean {
  if (!('run' in message) || message.run === undefined || message.run !== run.id) return false;
  switch (message.type) {
    case 'state':
      run.state = message.state;
      if (message.state === 'idle') Object.assign(run, { ...newRun(run.spec), id: run.id, state: 'idle' });
      return true;
    case 'batches': {
      const last = message.batches.at(-1);
      if (!last) return false;
      run.step = last.step;
      run.examplesPerSecond = message.examplesPerSecond;
      return true;
    }
    case 'epoch':
      run.epoch = message.epoch;
      run.curve = [
        ...run.curve.filter((p) => p.epoch < message.epoch),
        { epoch: message.epoch, test: message.accuracy, ...(message.trainAccuracy === undefined ? {} : { train: message.trainAccuracy }) },
      ];
      run.testAccuracy = message.accuracy;
      if (message.trainAccuracy !== undefined) run.trainAccuracy = message.trainAccuracy;
      if (message.marked) run.marked = message.marked;
      return true;
    case 'done':
      run.seconds = message.seconds;
      run.testAccuracy = message.testAccuracy;
      if (message.trainAccuracy !== undefined) run.trainAccuracy = message.trainAccuracy;
      if (message.marked) run.marked = message.marked;
      run.step = run.steps;
      return true;
    default:
      return false;
  }
}

/** The share of a run done, 0–1. */
export function runFraction(run: TrainedRun): number {
  return run.state === 'done' ? 1 : run.steps === 0 ? 0 : Math.min(1, run.step / run.steps);
}

/** A run's progress in words: "epoch 2 of 5, 1,234 examples/s", "done in 1:17", "waiting". */
export function runProgress(run: TrainedRun): string {
  switch (run.state) {
    case 'waiting':
    case 'idle':
      return 'not trained yet';
    case 'queued':
      return 'waiting for the run before it';
    case 'loading':
      return 'loading the images…';
    case 'training':
      return `epoch ${Math.min(run.epoch + 1, run.spec.epochs)} of ${run.spec.epochs}${run.examplesPerSecond > 0 ? `, ${number.format(Math.round(run.examplesPerSecond))} examples/s` : ''}`;
    case 'paused':
      return `paused in epoch ${Math.min(run.epoch + 1, run.spec.epochs)} of ${run.spec.epochs}`;
    case 'done':
      return run.seconds === undefined ? 'done' : `done in ${formatDuration(run.seconds)}`;
    case 'error':
      return 'stopped by an error';
  }
}

/** What the worker says to every demo: its backend, recoveries, and an error that stopped a run. */
export interface WorkerStatus {
  backend: BackendName | undefined;
  threads: number;
  notices: string[];
  error: { message: string; retry: 'start' | 'reset' | 'reload' } | undefined;
}

export function newStatus(): WorkerStatus {
  return { backend: undefined, threads: 0, notices: [], error: undefined };
}

/**
 * Applies the reports meant for every demo, or for one of `ids`: the
 * backend, notices and errors. True when the status changed.
 */
export function applyToStatus(status: WorkerStatus, message: FromWorker, ids: readonly (string | undefined)[]): boolean {
  const ours = !('run' in message) || message.run === undefined || ids.includes(message.run);
  if (!ours) return false;
  switch (message.type) {
    case 'backend':
      status.backend = message.backend;
      status.threads = message.threads;
      return true;
    case 'notice':
      status.notices = [...status.notices.slice(-2), message.message];
      return true;
    case 'error':
      status.error = { message: message.message, retry: message.retry };
      return true;
    default:
      return false;
  }
}
