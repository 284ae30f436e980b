/**
 * The measurements a run request may ask for besides the test accuracy, as
 * functions of a trainer and some data: the accuracy on the images it
 * trains on (what it memorises), and on test images carrying a mark it was
 * trained with (whether it learned the mark instead of the digit). Each
 * reads predictions a thousand images at a time.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import type { LabelledImages } from '../../mnist/stamp.ts';
import { predict } from '../model/inference.ts';
import { flippedShare, perClassAccuracy } from '../model/interpret.ts';
import { argmax } from '../model/metrics.ts';
import type { Trainer } from '../model/trainer.ts';
import type { MarkedEvaluation } from '../protocol.ts';

/** Images per forward pass while evaluating. */
const CHUNK = 1000;

/** Pixel bytes 0–255 to network inputs in [0, 1]. */
export function toInputs(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}

/** The class the network predicts for each of `inputs.length / 784` inputs. */
export async function predictedClasses(trainer: Trainer, inputs: Float32Array): Promise<Int32Array> {
  const n = inputs.length / IMAGE_BYTES;
  const predictions = new Int32Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const p = await predict(trainer, inputs.subarray(start * IMAGE_BYTES, (start + count) * IMAGE_BYTES), count);
    for (let k = 0; k < count; k++) predictions[start + k] = argmax(p, k * 10);
  }
  return predictions;
}

/** The share of `predictions` equal to `labels`. */
export function shareRight(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) right += 1;
  return right / Math.max(1, labels.length);
}

/** Accuracy on the first `n` images of a set (the run's own training images). */
export async function accuracyOnFirst(trainer: Trainer, set: LabelledImages, n: number): Promise<number> {
  const labels = set.labels.subarray(0, n);
  return shareRight(labels, await predictedClasses(trainer, toInputs(set.images.subarray(0, n * IMAGE_BYTES))));
}

/**
 * How the network does on test images of the unmarked classes, stamped with
 * the mark: its accuracy, the share it calls a marked class, and its
 * accuracy per true digit.
 */
export async function markedEvaluation(
  trainer: Trainer,
  marked: { labels: Uint8Array; inputs: Float32Array },
  classes: readonly number[],
): Promise<MarkedEvaluation> {
  const predictions = await predictedClasses(trainer, marked.inputs);
  return {
    count: predictions.length,
    accuracy: shareRight(marked.labels, predictions),
    flippedShare: flippedShare(predictions, classes),
    perClass: perClassAccuracy(marked.labels, predictions),
  };
}
