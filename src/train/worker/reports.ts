/**
 * What a training run shows while it trains, besides its curves: the
 * network's guesses for a fixed grid of test digits, and the first layer's
 * weights of a few hidden units (or of the ten classes, for logistic
 * regression) drawn as 28 × 28 templates. Functions of a trainer and the
 * test set; the run queue decides when to send them.
 */
import { IMAGE_BYTES } from '../../mnist/format.ts';
import type { LabelledImages } from '../../mnist/stamp.ts';
import { kernelColumns, layerWeights, predictTest } from '../model/inference.ts';
import { classTemplates, templates } from '../model/interpret.ts';
import { argmax } from '../model/metrics.ts';
import type { Trainer } from '../model/trainer.ts';
import type { FromWorker } from '../protocol.ts';

type Grid = Omit<Extract<FromWorker, { type: 'test-predictions' }>, 'type' | 'run'>;
type Templates = Omit<Extract<FromWorker, { type: 'templates' }>, 'type' | 'run'>;

/**
 * The network's guess and its confidence for each test digit of `grid`
 * (those within the test images it has), with the digits' pixels when
 * `withImages` (the page keeps them after the first report).
 */
export async function gridReport(trainer: Trainer, test: LabelledImages, grid: readonly number[], withImages: boolean): Promise<Grid> {
  const indices = grid.filter((i) => i < Math.min(test.labels.length, trainer.config.testSize));
  const probabilities = await predictTest(trainer, indices);
  const predicted = indices.map((_, k) => argmax(probabilities, k * 10));
  const confidence = predicted.map((c, k) => probabilities[k * 10 + c]!);
  const images = new Uint8Array(withImages ? indices.length * IMAGE_BYTES : 0);
  if (withImages) indices.forEach((t, k) => images.set(test.images.subarray(t * IMAGE_BYTES, (t + 1) * IMAGE_BYTES), k * IMAGE_BYTES));
  return { indices, labels: indices.map((t) => test.labels[t]!), predicted, confidence, images };
}

/**
 * The first layer's templates: of the ten classes for logistic regression
 * (or when `chosen` says so), else of the chosen hidden units. Undefined
 * for a network whose first layer is not dense on the pixels.
 */
export async function templatesReport(trainer: Trainer, chosen: number[] | 'classes'): Promise<Templates | undefined> {
  const first = trainer.config.model.layers[0];
  const logistic = first === undefined;
  if (!logistic && first.type !== 'dense') return undefined;
  if (logistic || chosen === 'classes') {
    const { kernel, bias } = await layerWeights(trainer, 0);
    const t = classTemplates(kernel.values, bias.values);
    return { units: Array.from({ length: 10 }, (_, i) => i), images: flatten(t.images), limit: t.limit };
  }
  const units = chosen.filter((u) => u < first.units);
  const columns = await kernelColumns(trainer, 0, units);
  const t = templates(
    columns,
    units.length,
    units.map((_, k) => k),
  );
  return { units, images: flatten(t.images), limit: t.limit };
}

/** Images of 784 values each, laid end to end. */
export function flatten(images: readonly Float32Array[]): Float32Array {
  const flat = new Float32Array(images.length * IMAGE_BYTES);
  images.forEach((image, k) => flat.set(image, k * IMAGE_BYTES));
  return flat;
}
