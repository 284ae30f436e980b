/**
 * The model comparison, as data: logistic regression, the lecture's dense
 * network and a small convnet, trained one after another on the same images
 * by the page's worker, each with its test accuracy and its time. Pure; the
 * controller (index.ts) sends the runs and feeds the reports in.
 */
import type { FromWorker } from '../../train/protocol.ts';
import { CNN_RUN, KERAS_RUN, LOGISTIC_RUN, type RunSpec } from '../../train/model/spec.ts';
import { currentOf, foldSequence, type SequenceAction, type SequenceState } from '../shared/run-sequence.ts';
import { percent } from '../../lib/format.ts';
import { newRun, newStatus, type TrainedRun } from '../shared/trained-run.ts';

export const MODELS = [
  { key: 'logistic', name: 'Logistic regression', detail: 'Dense 10 softmax: one weight per pixel and digit', spec: LOGISTIC_RUN },
  { key: 'dense', name: 'The lecture’s network', detail: 'Dense 512 relu, Dense 10 softmax', spec: KERAS_RUN },
  { key: 'cnn', name: 'A small convnet', detail: 'two 5×5 convolutions with pooling, Dense 128, Dense 10', spec: CNN_RUN },
] as const;
export type ModelKey = (typeof MODELS)[number]['key'];

/** What the address may shorten (the same for the three models); all 10,000 test images unless it says. */
export type { Shortening } from '../shared/lab-wiring.ts';
import type { Shortening } from '../shared/lab-wiring.ts';

/** idle: nothing trained yet; training: a model trains or waits its turn; done: all three finished. */
export interface ComparisonState extends SequenceState<ModelKey> {
  /** The figures are a recorded run (print), not this browser's. */
  recorded: string | undefined;
}

export type ComparisonAction = SequenceAction;

export function specFor(key: ModelKey, shortening: Shortening): RunSpec {
  const spec = MODELS.find((m) => m.key === key)!.spec;
  return {
    ...spec,
    ...(shortening.trainSize ? { trainSize: shortening.trainSize } : {}),
    ...(shortening.epochs ? { epochs: shortening.epochs } : {}),
  };
}

export function initialComparison(shortening: Shortening): ComparisonState {
  return {
    state: 'idle',
    runs: Object.fromEntries(MODELS.map((m) => [m.key, newRun(specFor(m.key, shortening))])) as Record<ModelKey, TrainedRun>,
    testSize: shortening.testSize ?? 10000,
    status: newStatus(),
    recorded: undefined,
  };
}

const KEYS = MODELS.map((m) => m.key);

/** The model training now (or paused), if any. */
export function current(s: ComparisonState): ModelKey | undefined {
  return currentOf(s, KEYS);
}

/** Applies a worker report; true when the demo changed. */
/** Folds a worker report into the state (pure). */
export function update(s: ComparisonState, message: FromWorker): ComparisonState {
  return foldSequence(s, KEYS, message);
}

/** One sentence for screen readers: the latest result, or where the comparison is. */
export function announcement(s: ComparisonState): string {
  const done = MODELS.filter((m) => s.runs[m.key].state === 'done').map(
    (m) => `${m.name}: ${percent(s.runs[m.key].testAccuracy)} of the test images right`,
  );
  if (s.state === 'idle') return 'Press T to train the three models one after another.';
  if (s.state === 'error') return s.status.error?.message ?? 'The comparison stopped.';
  const now = current(s);
  return [...done, now ? `Now training: ${MODELS.find((m) => m.key === now)!.name}` : ''].filter(Boolean).join('. ') + '.';
}

/** The most accurate model once all three are done (data-best, which a poll's answer may come from); undefined before. */
export function best(s: ComparisonState): ModelKey | undefined {
  if (!MODELS.every((m) => s.runs[m.key].state === 'done' && s.runs[m.key].testAccuracy !== undefined)) return undefined;
  return MODELS.reduce((a, b) => (s.runs[b.key].testAccuracy! > s.runs[a.key].testAccuracy! ? b : a)).key;
}

/** Test images a model gets wrong, of the ones it was tested on. */
export function errors(accuracy: number | undefined, testSize: number): number | undefined {
  return accuracy === undefined ? undefined : Math.round((1 - accuracy) * testSize);
}

/**
 * How many of the card's hundred squares are wrong: one square per 1% of the
 * test images, rounded, but never 0 while any image is wrong (99.6% right
 * still shows one red square).
 */
export function wrongSquares(accuracy: number | undefined): number {
  if (accuracy === undefined) return 0;
  const wrong = Math.max(0, Math.min(1, 1 - accuracy)) * 100;
  return wrong > 0 ? Math.max(1, Math.round(wrong)) : 0;
}
