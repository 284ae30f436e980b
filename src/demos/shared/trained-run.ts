/**
 * A run trained in the page's worker, as the lab's demos keep it (model
 * comparison, overfitting, the ruler, a digit's path): its progress, its
 * curve of accuracies per epoch and its results, folded from the worker's
 * reports. Also the worker's state that every such demo shows: backend,
 * notices and errors. Pure data and pure functions: no DOM, nothing changed
 * in place, unit-tested under Node.
 */
import type { BackendName } from '../../train/model/config.ts';
import { formatDuration, number } from '../../lib/format.ts';
import type { FromWorker, MarkedEvaluation, TrainerState } from '../../train/protocol.ts';
import { stepsOfRun, type RunSpec } from '../../train/model/spec.ts';

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

export function newRun(spec: RunSpec): TrainedRun {
  return {
    id: undefined,
    spec,
    state: 'waiting',
    step: 0,
    steps: stepsOfRun(spec),
    epoch: 0,
    examplesPerSecond: 0,
    curve: [],
    testAccuracy: undefined,
    trainAccuracy: undefined,
    marked: undefined,
    seconds: undefined,
  };
}

/**
 * Folds a report into a run: a new run when the report is about it and
 * changes it, the same object otherwise (so a demo can tell whether to
 * draw by comparing).
 */
export function foldRun(run: TrainedRun, message: FromWorker): TrainedRun {
  if (!('run' in message) || message.run === undefined || message.run !== run.id) return run;
  switch (message.type) {
    case 'state':
      return message.state === 'idle' ? { ...newRun(run.spec), id: run.id, state: 'idle' } : { ...run, state: message.state };
    case 'batches': {
      const last = message.batches.at(-1);
      return last ? { ...run, step: last.step, examplesPerSecond: message.examplesPerSecond } : run;
    }
    case 'epoch':
      return {
        ...run,
        epoch: message.epoch,
        curve: [
          ...run.curve.filter((p) => p.epoch < message.epoch),
          {
            epoch: message.epoch,
            test: message.accuracy,
            ...(message.trainAccuracy === undefined ? {} : { train: message.trainAccuracy }),
          },
        ],
        testAccuracy: message.accuracy,
        ...(message.trainAccuracy === undefined ? {} : { trainAccuracy: message.trainAccuracy }),
        ...(message.marked ? { marked: message.marked } : {}),
      };
    case 'done':
      return {
        ...run,
        seconds: message.seconds,
        testAccuracy: message.testAccuracy,
        ...(message.trainAccuracy === undefined ? {} : { trainAccuracy: message.trainAccuracy }),
        ...(message.marked ? { marked: message.marked } : {}),
        step: run.steps,
      };
    default:
      return run;
  }
}

/** What a demo of one run shows: its run's state, an error first. */
export function singleRunState(run: TrainedRun, status: WorkerStatus): 'idle' | 'training' | 'paused' | 'done' | 'error' {
  if (status.error) return 'error';
  if (run.state === 'done') return 'done';
  if (run.state === 'paused') return 'paused';
  if (run.state === 'idle' || run.state === 'waiting') return 'idle';
  return 'training';
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
 * Folds the reports meant for every demo, or for one of `ids`, into the
 * status: the backend, notices and errors. The same object when nothing
 * changed.
 */
export function foldStatus(status: WorkerStatus, message: FromWorker, ids: readonly (string | undefined)[]): WorkerStatus {
  const ours = !('run' in message) || message.run === undefined || ids.includes(message.run);
  if (!ours) return status;
  switch (message.type) {
    case 'backend':
      return { ...status, backend: message.backend, threads: message.threads };
    case 'notice':
      return { ...status, notices: [...status.notices.slice(-2), message.message] };
    case 'error':
      return { ...status, error: { message: message.message, retry: message.retry } };
    default:
      return status;
  }
}
