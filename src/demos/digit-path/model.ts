/**
 * A digit's path through the lecture's network, as data: the input as the
 * network sees it, the 512 hidden units' activations, the templates (first-
 * layer weights) of the most active units, the ten output probabilities, and
 * the saliency map of the answer. For a digit drawn on the pad or a test
 * digit picked one by one. The network is trained here, briefly, in the
 * page's worker; the worker answers each digit with an inspection.
 * Pure; the controller feeds the worker's reports in.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import type { FromWorker, Inspection } from '../../train/protocol.ts';
import { KERAS_RUN, type RunSpec } from '../../train/model/spec.ts';
import { percent } from '../../lib/format.ts';
import { foldRun, foldStatus, newRun, newStatus, singleRunState, type TrainedRun, type WorkerStatus } from '../shared/trained-run.ts';

/** A brief run of the lecture's program: about ten seconds on a laptop's processor, about 96% right. */
export const SPEC: RunSpec = { ...KERAS_RUN, trainSize: 12000, epochs: 2 };
export const TEST_SIZE = 2000;
/** Most active hidden units whose templates are shown. */
export const TOP = 6;
/** Test digits to step through. */
export const TESTS = Array.from({ length: 40 }, (_, i) => i);

export interface PathState {
  state: 'idle' | 'training' | 'paused' | 'done' | 'error';
  run: TrainedRun;
  status: WorkerStatus;
  /** What is inspected: the drawing, or a test digit. */
  source: 'test' | 'drawn';
  strokes: number[][];
  tests: { label: number; image: number[] }[];
  testIndex: number;
  /** The network's answer for the digit on screen, with the input it saw (0–1). */
  inspection:
    | (Omit<Inspection, 'hidden' | 'templates' | 'probabilities' | 'saliency'> & {
        input: number[];
        hidden: number[];
        templates: number[];
        probabilities: number[];
        saliency: number[];
      })
    | undefined;
  testSize: number;
  recorded: string | undefined;
}

export type PathAction =
  | { type: 'toggle' }
  | { type: 'reset' }
  | { type: 'retry' }
  | { type: 'draw'; strokes: number[][] }
  | { type: 'clear' }
  | { type: 'test'; step: 1 | -1 };

export function initialPath(spec: RunSpec = SPEC, testSize = TEST_SIZE): PathState {
  return {
    state: 'idle',
    run: newRun(spec),
    status: newStatus(),
    source: 'test',
    strokes: [],
    tests: [],
    testIndex: 0,
    inspection: undefined,
    testSize,
    recorded: undefined,
  };
}

/** Folds a worker report into the state (pure): the run, the status, and what the slide shows. */
export function update(s: PathState, message: FromWorker): PathState {
  const status = foldStatus(s.status, message, [s.run.id]);
  const run = foldRun(s.run, message);
  if (status === s.status && run === s.run) return s;
  return { ...s, run, status, state: singleRunState(run, status) };
}

/** Keeps the test digits the worker sent. */
export function testsFrom(labels: ArrayLike<number>, images: Uint8Array): PathState['tests'] {
  return Array.from(labels, (label, k) => ({ label, image: Array.from(images.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES)) }));
}

/** The state with the network's answer for `input` (0–1) folded in. */
export function withInspection(s: PathState, input: Float32Array, inspection: Inspection): PathState {
  return {
    ...s,
    inspection: {
      ...inspection,
      input: Array.from(input),
      hidden: Array.from(inspection.hidden),
      templates: Array.from(inspection.templates),
      probabilities: Array.from(inspection.probabilities),
      saliency: Array.from(inspection.saliency),
    },
  };
}

/** How many hidden units respond at all (ReLU above zero). */
export function activeUnits(hidden: readonly number[]): number {
  return hidden.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
}

export function announcement(s: PathState): string {
  if (s.state === 'idle') return 'Press T to train the network for about ten seconds; then draw a digit or step through test digits.';
  if (s.state === 'error') return s.status.error?.message ?? 'Training stopped.';
  if (s.state !== 'done')
    return `Training: epoch ${Math.min(s.run.epoch + 1, s.run.spec.epochs)} of ${s.run.spec.epochs}${s.run.testAccuracy === undefined ? '' : `, test accuracy ${percent(s.run.testAccuracy)}`}.`;
  const i = s.inspection;
  if (!i) return s.source === 'drawn' ? 'Draw a digit on the pad.' : 'Pick a test digit.';
  const what = s.source === 'test' ? `The test digit, a ${s.tests[s.testIndex]?.label ?? '?'}` : 'Your drawing';
  return `${what}: ${activeUnits(i.hidden)} of ${i.hidden.length} hidden units respond; the network says ${i.classIndex}, ${percent(i.probabilities[i.classIndex])} sure.`;
}
