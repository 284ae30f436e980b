/**
 * Messages between the page and its training worker. Both sides import
 * these types, and both switch over them exhaustively (`assertNever`), so a
 * message one side does not handle is a compile error.
 *
 * A worker trains a queue of runs, one at a time. A run is data (a RunSpec:
 * model, optimizer, learning rate, batch, epochs, subset, seed) plus what to
 * measure while it trains; every report names its run.
 */
import type { Mark } from '../mnist/stamp.ts';
import type { BackendName } from './model/config.ts';
import type { BatchReport } from './model/loop.ts';
import type { RunSpec } from './model/spec.ts';

/** A fault to inject, for testing the recovery paths (?fault=device-lost@20 or ?fault=nan@20). */
export interface FaultSpec {
  kind: 'device-lost' | 'nan' | 'hang';
  atStep: number;
}

export type TrainerState = 'idle' | 'queued' | 'loading' | 'training' | 'paused' | 'done' | 'error';

/**
 * A mark stamped on a share of some classes' training images (src/mnist/stamp.ts):
 * how an experiment such as the ruler shortcut plants its data without the
 * worker knowing the experiment.
 */
export interface StampSpec {
  /** Which pixels, set to which value. */
  mark: Mark;
  /** The classes whose training images carry it. */
  classes: number[];
  /** The share of those images that carry it, 0–1. */
  rate: number;
  seed: number;
}

/** One run to train, and what to report while it trains. */
export interface RunRequest {
  /** Chosen by the page; every report about the run carries it. */
  id: string;
  spec: RunSpec;
  /** Test images to evaluate on after each epoch (the first N of 10,000). */
  testSize: number;
  /** Stamp a mark on some training images (the shortcut experiment's ruler). */
  stamp?: StampSpec;
  /** Also measure the training accuracy after each epoch, on the first N training images. */
  trainEval?: number;
  /**
   * Also evaluate on the run's test images (the first testSize) of the
   * classes the stamp leaves alone, stamped with its mark: the same images
   * as the clean test, so that the two accuracies compare like with like.
   */
  marked?: boolean;
  /** Predictions for these test images, now and then (the grid of digits). */
  grid?: number[];
  /** The first layer's weights of these hidden units, or of the ten classes for logistic regression, now and then. */
  templates?: number[] | 'classes';
  /** The deck's own loop, or the stock tf.layers `model.fit` (the benchmark's baseline). */
  loop?: 'deck' | 'stock';
  /**
   * Start from the weights of this finished run ('' for the newest) instead
   * of fresh ones: fine-tuning. The run's model must be the same; the
   * optimizer's state starts afresh.
   */
  from?: string;
  /** More training examples, appended to the first `spec.trainSize` of MNIST (the room's digits): images 784 bytes each, labels 0–9. */
  extra?: { labels: Uint8Array; images: Uint8Array };
  /**
   * Examples kept out of training, evaluated before the first step and after
   * each epoch (the other half of the room's digits): `heldOutAccuracy` on
   * each epoch's report, `heldOutBefore` and `heldOutAfter` on the last.
   */
  heldOut?: { labels: Uint8Array; images: Uint8Array };
}

/** How the worker chose its backend: what it measured, and what it passed over and why. */
export interface BackendChoice {
  /** "measured" when it timed the candidates, "forced" when the address named one, "first" when it took the first that worked. */
  how: 'measured' | 'forced' | 'first';
  /** Examples per second of each candidate timed, fastest first. */
  timings: { backend: BackendName; examplesPerSecond: number; label: string }[];
  /** Candidates left out, with the reason (an emulated GPU, say). */
  passedOver: { backend: BackendName; reason: string }[];
}

export type ToWorker =
  | {
      type: 'init';
      manifestUrl: string;
      wasmPaths: Record<string, string>;
      /** Backends in the order to try; `auto` times the candidates and keeps the fastest. */
      backends: BackendName[] | 'auto';
      /** WebAssembly threads to ask for (by default the machine's cores, when the page is cross-origin isolated). */
      threads?: number;
      fault?: FaultSpec;
    }
  | { type: 'submit'; run: RunRequest }
  | { type: 'pause'; run: string }
  | { type: 'resume'; run: string }
  | { type: 'cancel'; run: string }
  | { type: 'predict'; run: string; id: number; input: Float32Array }
  | { type: 'inspect'; run: string; id: number; input: Float32Array; top: number };

/** What the worker found about a drawn or chosen digit: its path through the network. */
export interface Inspection {
  /** The hidden layer's activations (one hidden layer), or empty for logistic regression. */
  hidden: Float32Array;
  /** The most active hidden units, most active first. */
  top: number[];
  /** Their 784 incoming weights each (top.length × 784), and the colour range. */
  templates: Float32Array;
  limit: number;
  probabilities: Float32Array;
  /** The gradient of the predicted class's logit with respect to the 784 pixels. */
  saliency: Float32Array;
  classIndex: number;
}

export interface MarkedEvaluation {
  /** How many marked images were evaluated. */
  count: number;
  /** Accuracy on test images of other classes stamped with the mark. */
  accuracy: number;
  /** The share of them predicted as a marked class. */
  flippedShare: number;
  /** Accuracy per true digit on the marked images (NaN for the marked classes themselves). */
  perClass: number[];
}

/**
 * The worker's heartbeat, every HEARTBEAT_MS whatever it does: a worker
 * whose thread is blocked (a WebAssembly start that deadlocks) falls
 * silent, and the page starts another (src/train/page/client.ts).
 */
export interface Heartbeat {
  type: 'alive';
}
export const HEARTBEAT_MS = 1000;

export type FromWorker =
  | {
      type: 'backend';
      backend: BackendName;
      notes: string[];
      choice: BackendChoice;
      threads: number;
      /** Why WebAssembly runs on one thread where the machine has more cores, when the browser is the cause. */
      oneThread?: string;
    }
  | { type: 'state'; run: string; state: TrainerState }
  | { type: 'data'; split: 'train' | 'test'; loadedBytes: number; totalBytes: number; loadedExamples: number; totalExamples: number }
  | { type: 'batches'; run: string; batches: BatchReport[]; examplesPerSecond: number }
  | {
      type: 'epoch';
      run: string;
      epoch: number;
      accuracy: number;
      loss: number;
      confusion: number[][];
      trainAccuracy?: number;
      marked?: MarkedEvaluation;
      heldOutAccuracy?: number;
    }
  | {
      type: 'test-predictions';
      run: string;
      indices: number[];
      labels: number[];
      predicted: number[];
      confidence: number[];
      images: Uint8Array;
    }
  | { type: 'templates'; run: string; units: number[]; images: Float32Array; limit: number }
  | { type: 'prediction'; run: string; id: number; probabilities: Float32Array }
  | { type: 'inspection'; run: string; id: number; inspection: Inspection }
  | {
      type: 'done';
      run: string;
      testAccuracy: number;
      trainAccuracy?: number;
      seconds: number;
      marked?: MarkedEvaluation;
      heldOutBefore?: number;
      heldOutAfter?: number;
    }
  | { type: 'tensors'; count: number }
  | { type: 'notice'; run?: string; message: string }
  | { type: 'error'; run?: string; message: string; retry: 'start' | 'reset' | 'reload' };

/** Makes a switch over a union exhaustive: a case left out is a compile error here. */
export function assertNever(value: never): never {
  throw new Error(`unhandled message: ${JSON.stringify(value)}`);
}
