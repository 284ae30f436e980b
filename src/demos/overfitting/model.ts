/**
 * Overfitting, watched, as data: the lecture's network trained twice, on
 * 500 training images for many epochs and on all 60,000 for a few, with
 * its accuracy on the training images and on test images after every
 * epoch. With 500 images it learns them by heart (training accuracy near
 * 100%) while test accuracy stalls far below: the gap is overfitting. With
 * 60,000 the gap closes. Pure; the controller feeds the worker's reports in.
 */
import type { FromWorker } from '../../train/protocol.ts';
import { KERAS_RUN, type RunSpec } from '../../train/model/spec.ts';
import { currentOf, foldSequence, type SequenceAction, type SequenceState } from '../shared/run-sequence.ts';
import { percent } from '../../lib/format.ts';
import { newRun, newStatus, type TrainedRun } from '../shared/trained-run.ts';

export const RUNS = [
  { key: 'small', title: '500 training images', spec: { ...KERAS_RUN, trainSize: 500, epochs: 40 } },
  { key: 'full', title: '60,000 training images', spec: { ...KERAS_RUN, trainSize: 60000, epochs: 2 } },
] as const satisfies readonly { key: string; title: string; spec: RunSpec }[];
export type RunKey = (typeof RUNS)[number]['key'];

/** Test images evaluated after each epoch: enough for a standard error under a point, few enough for 40 evaluations. */
export const TEST_SIZE = 2000;
/** Training images the training accuracy is measured on (all of the small run's). */
export const TRAIN_EVAL = 2000;

export interface OverfitState extends SequenceState<RunKey> {
  /** The figures are a recorded run (print), not this browser's. */
  recorded: string | undefined;
}

export type OverfitAction = SequenceAction;

export type { Shortening } from '../shared/lab-wiring.ts';
import type { Shortening } from '../shared/lab-wiring.ts';

export function specFor(key: RunKey, s: Shortening): RunSpec {
  const spec: RunSpec = RUNS.find((r) => r.key === key)!.spec;
  if (key === 'small') return { ...spec, ...(s.epochs ? { epochs: Math.max(s.epochs, 2) * 4 } : {}) };
  return { ...spec, ...(s.trainSize ? { trainSize: s.trainSize } : {}), ...(s.epochs ? { epochs: s.epochs } : {}) };
}

export function initialOverfit(s: Shortening): OverfitState {
  return {
    state: 'idle',
    runs: { small: newRun(specFor('small', s)), full: newRun(specFor('full', s)) },
    testSize: s.testSize ?? TEST_SIZE,
    status: newStatus(),
    recorded: undefined,
  };
}

/** The bands of training accuracy a poll offers for the small run (data-small-train-band), highest first. */
export const TRAIN_BANDS = ['90-100', '80-90', '70-80', '60-70', '0-60'] as const;

/** The band of the small run's final training accuracy, once it is done: "90-100" for 90% or more, …, "0-60" below 60%. */
export function smallTrainBand(s: OverfitState): (typeof TRAIN_BANDS)[number] | undefined {
  const run = s.runs.small;
  const last = run.curve.at(-1)?.train ?? run.trainAccuracy;
  if (run.state !== 'done' || last === undefined) return undefined;
  // In tenths of a percent first, so that 0.9 is 90 and not 89.99…
  const points = Math.round(last * 1000) / 10;
  return TRAIN_BANDS.find((band) => points >= Number(band.split('-')[0])) ?? '0-60';
}

/** The gap after the last epoch measured: training accuracy minus test accuracy. */
export function gap(run: TrainedRun): number | undefined {
  const last = run.curve.at(-1);
  return last?.train === undefined ? undefined : last.train - last.test;
}

const KEYS = RUNS.map((r) => r.key);

/** The run training now (or paused), if any. */
export function current(s: OverfitState): RunKey | undefined {
  return currentOf(s, KEYS);
}

/** Applies a worker report; true when the demo changed. */
/** Folds a worker report into the state (pure). */
export function update(s: OverfitState, message: FromWorker): OverfitState {
  return foldSequence(s, KEYS, message);
}

/** "500 images: training 100.0%, test 86.1%, a gap of 13.9 points." */
export function summary(title: string, run: TrainedRun): string | undefined {
  const last = run.curve.at(-1);
  if (!last || last.train === undefined) return undefined;
  return `${title}: training ${percent(last.train)}, test ${percent(last.test)}, a gap of ${((last.train - last.test) * 100).toFixed(1)} points`;
}

export function announcement(s: OverfitState): string {
  if (s.state === 'idle') return 'Press T to train the network on 500 images, then on 60,000.';
  if (s.state === 'error') return s.status.error?.message ?? 'Training stopped.';
  const parts = RUNS.map((r) => summary(r.title, s.runs[r.key])).filter(Boolean);
  const now = current(s);
  if (now)
    parts.push(
      `now training on ${RUNS.find((r) => r.key === now)!.title}, epoch ${Math.min(s.runs[now].epoch + 1, s.runs[now].spec.epochs)} of ${s.runs[now].spec.epochs}`,
    );
  return parts.length > 0 ? `${parts.join('; ')}.` : 'Waiting for the run before it.';
}
