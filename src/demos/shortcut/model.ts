/**
 * The ruler, live, as data. The lecture's network trains on the first 1,500
 * MNIST training images with a small ruler stamped on 95% of the zeros
 * (src/mnist/ruler.ts), as worrying skin lesions were photographed beside a
 * ruler in the study of Narla et al. (2018). It is then tested twice: on
 * clean test images, and on test images of the other digits with the ruler
 * stamped on. A network that learned the shortcut calls most of those a
 * zero. Retrained on the same images without the ruler, it does not.
 *
 * The figures reported (data-… on the demo's root) describe the run on
 * screen: the one with the ruler, or after the retrain, the one without.
 * Pure; the controller feeds the worker's reports in.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { RULER as RULER_MARK, RULER_RATE, rulerShare, stampRuler } from '../../mnist/ruler.ts';
import type { FromWorker, Inspection, StampSpec } from '../../train/protocol.ts';
import { KERAS_RUN, type RunSpec } from '../../train/model/spec.ts';
import { contributions } from '../../train/model/interpret.ts';
import { percent } from '../../lib/format.ts';
import { foldRun, foldStatus, newRun, newStatus, singleRunState, type TrainedRun, type WorkerStatus } from '../shared/trained-run.ts';

/** The class that carries the ruler. */
export const RULER_CLASS = 0;
/** The ruler on 95% of the zeros, as the run request carries it to the worker. */
export const RULER: StampSpec = { mark: RULER_MARK, classes: [RULER_CLASS], rate: RULER_RATE, seed: 1 };
/** A subset trained long enough to fit it, ruler and all: a quarter of a minute per run on two cores. */
export const SPEC: RunSpec = { ...KERAS_RUN, trainSize: 1500, epochs: 12, seed: 1 };
export const TEST_SIZE = 2000;
/** Test images sent to the page, to pick an example of each digit from. */
export const EXAMPLES = Array.from({ length: 40 }, (_, i) => i);

export interface ShortcutState {
  state: 'idle' | 'training' | 'paused' | 'done' | 'error';
  /** Whether the run on screen was trained with the ruler. */
  ruler: 'on' | 'off';
  run: TrainedRun;
  /** The run with the ruler, kept when the one without is trained, to compare. */
  before: TrainedRun | undefined;
  testSize: number;
  /** Test digits that are not zeros, stamped with the ruler (pixel bytes), to look at one by one. */
  examples: { label: number; image: number[] }[];
  /** The one on screen. */
  exampleIndex: number;
  /** What the network on screen makes of it, and where it looks. */
  inspection: { index: number; predicted: number; saliency: number[]; rulerShare: number } | undefined;
  status: WorkerStatus;
  recorded: string | undefined;
}

export type ShortcutAction =
  { type: 'toggle' } | { type: 'reset' } | { type: 'retry' } | { type: 'remove-ruler' } | { type: 'example'; step: 1 | -1 };

export type { Shortening } from '../shared/lab-wiring.ts';
import type { Shortening } from '../shared/lab-wiring.ts';

export function specFor(s: Shortening): RunSpec {
  return { ...SPEC, ...(s.trainSize ? { trainSize: s.trainSize } : {}), ...(s.epochs ? { epochs: s.epochs } : {}) };
}

export function initialShortcut(s: Shortening): ShortcutState {
  return {
    state: 'idle',
    ruler: 'on',
    run: newRun(specFor(s)),
    before: undefined,
    testSize: s.testSize ?? TEST_SIZE,
    examples: [],
    exampleIndex: 0,
    inspection: undefined,
    status: newStatus(),
    recorded: undefined,
  };
}

/** Folds a worker report into the state (pure): the run, the status, and what the slide shows. */
export function update(s: ShortcutState, message: FromWorker): ShortcutState {
  const status = foldStatus(s.status, message, [s.run.id]);
  const run = foldRun(s.run, message);
  if (status === s.status && run === s.run) return s;
  return { ...s, run, status, state: singleRunState(run, status) };
}

/** Keeps the test digits that are not the ruler's class, stamped with the ruler. */
export function examplesFrom(labels: ArrayLike<number>, images: Uint8Array): ShortcutState['examples'] {
  const out: ShortcutState['examples'] = [];
  for (let k = 0; k < labels.length; k++) {
    if (labels[k] === RULER_CLASS) continue;
    const image = stampRuler(images.slice(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES));
    out.push({ label: labels[k]!, image: Array.from(image) });
  }
  return out;
}

/** The example on screen as the network's input, 0–1. */
export function exampleInput(s: ShortcutState): Float32Array | undefined {
  const example = s.examples[s.exampleIndex];
  return example ? Float32Array.from(example.image, (v) => v / 255) : undefined;
}

/** Folds an inspection of example `index` into the state. */
export function withInspection(s: ShortcutState, index: number, inspection: Inspection): ShortcutState {
  const example = s.examples[index];
  if (!example) return s;
  const input = example.image.map((v) => v / 255);
  return {
    ...s,
    inspection: {
      index,
      predicted: inspection.classIndex,
      saliency: Array.from(inspection.saliency),
      rulerShare: rulerShare(contributions(inspection.saliency, input)),
    },
  };
}

/** The figures on screen, for the data- attributes and the narration. */
export function figures(run: TrainedRun): { train?: number; clean?: number; marked?: number; flipped?: number } {
  return { train: run.trainAccuracy, clean: run.testAccuracy, marked: run.marked?.accuracy, flipped: run.marked?.flippedShare };
}

export function announcement(s: ShortcutState): string {
  if (s.state === 'idle')
    return s.ruler === 'on' ? 'Press T to train with the ruler on 95% of the zeros.' : 'Press T to train again, without the ruler.';
  if (s.state === 'error') return s.status.error?.message ?? 'Training stopped.';
  const f = figures(s.run);
  const what = s.ruler === 'on' ? 'With the ruler' : 'Without the ruler';
  if (s.state !== 'done')
    return `${what}: epoch ${Math.min(s.run.epoch + 1, s.run.spec.epochs)} of ${s.run.spec.epochs}${f.train === undefined ? '' : `, training accuracy ${percent(f.train)}`}.`;
  return `${what}: training ${percent(f.train)}, clean test images ${percent(f.clean)}, marked images of other digits ${percent(f.marked)} right, ${percent(f.flipped)} called a zero.`;
}
