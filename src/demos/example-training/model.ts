/**
 * The example training demo as data: one run, folded from the worker's
 * reports by the shared run model (../shared/trained-run.ts). Pure; the
 * controller (index.ts) submits the run through a training session.
 */
import type { FromWorker } from '../../train/protocol.ts';
import { LOGISTIC_RUN, type RunSpec } from '../../train/model/spec.ts';
import { foldRun, foldStatus, newRun, newStatus, singleRunState, type TrainedRun, type WorkerStatus } from '../shared/trained-run.ts';
import type { Shortening } from '../shared/lab-wiring.ts';

/** Logistic regression on 6,000 images for two epochs: a few seconds. */
export const SPEC: RunSpec = { ...LOGISTIC_RUN, trainSize: 6000, epochs: 2 };

export interface ExampleTrainingState {
  state: 'idle' | 'training' | 'paused' | 'done' | 'error';
  run: TrainedRun;
  testSize: number;
  status: WorkerStatus;
}

export type ExampleTrainingAction = { type: 'toggle' } | { type: 'retry' };

export function initialExample(s: Shortening): ExampleTrainingState {
  const spec = { ...SPEC, ...(s.trainSize ? { trainSize: s.trainSize } : {}), ...(s.epochs ? { epochs: s.epochs } : {}) };
  return { state: 'idle', run: newRun(spec), testSize: s.testSize ?? 2000, status: newStatus() };
}

/** Folds a worker report into the state; the same state when the report is not about this demo's run. */
export function update(s: ExampleTrainingState, message: FromWorker): ExampleTrainingState {
  const status = foldStatus(s.status, message, [s.run.id]);
  const run = foldRun(s.run, message);
  if (status === s.status && run === s.run) return s;
  return { ...s, run, status, state: singleRunState(run, status) };
}
