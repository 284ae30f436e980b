/**
 * Planting a mark on MNIST images: a few pixels set to one value, on a
 * seeded share of the images of some classes. The ruler of the shortcut
 * experiment (ruler.ts) is one such mark; the training worker knows only
 * this general form, which a run request carries (src/train/protocol.ts),
 * and nothing of the experiment behind it.
 *
 * Pure and DOM-free: bytes in, new bytes out. Inputs are never changed,
 * except by `stampMark`, which stamps in place by design.
 */
import { mulberry32, shuffleInPlace } from '../lib/random.ts';
import { CLASSES, IMAGE_BYTES } from './format.ts';

/** A mark: which pixels (indices into a 784-byte image) take which value. */
export interface Mark {
  /** What the mark is called in messages about it: "ruler". */
  name: string;
  pixels: readonly number[];
  /** 0–255. */
  value: number;
}

/** Labels and images of one split, as `readVerifiedSources` and the shard loader give them. */
export interface LabelledImages {
  labels: Uint8Array;
  /** `labels.length` × 784 bytes, each image row by row. */
  images: Uint8Array;
}

/** What `stampedTrainingSet` returns. */
export interface StampedTrainingSet {
  /** A copy of the images, with the mark on the stamped ones. */
  images: Uint8Array;
  /** The labels, unchanged (the same array that was passed in). */
  labels: Uint8Array;
  /** Indices of the stamped images, ascending. */
  stamped: Int32Array;
}

/** What `markedTestSet` returns. */
export interface MarkedTestSet {
  /** The chosen images, each with the mark. */
  images: Uint8Array;
  /** Their true labels, none of them a marked class. */
  labels: Uint8Array;
  /** Where each came from in the test set, so the clean original can be looked up. */
  indices: Int32Array;
}

/**
 * Stamps `mark`, in place, on the image that starts at byte `offset` of
 * `images` (a single image, or one of many laid end to end), and returns
 * `images`. Only the mark's pixels change.
 */
export function stampMark(images: Uint8Array, mark: Mark, offset = 0): Uint8Array {
  if (!Number.isInteger(offset) || offset < 0 || offset % IMAGE_BYTES !== 0 || offset + IMAGE_BYTES > images.length) {
    throw new Error(
      `stamp: offset ${offset} does not start a 784-byte image within ${images.length} bytes; it must be a multiple of 784 below ${images.length}`,
    );
  }
  for (const p of mark.pixels) images[offset + p] = mark.value;
  return images;
}

/**
 * A training set with a mark planted: for each marked class, a seeded
 * random `rate` share of its images (rounded to the nearest whole image)
 * carry the mark, and no image of another class does. The input is not
 * changed.
 *
 * @param options.classes The marked class(es): distinct digits 0–9, at least one.
 * @param options.rate The share of each marked class's images to stamp, from 0 to 1.
 * @param options.seed Chooses which images; the same seed chooses the same ones.
 */
export function stampedTrainingSet(
  data: LabelledImages,
  mark: Mark,
  options: { classes: readonly number[]; rate: number; seed: number },
): StampedTrainingSet {
  checkData('stampedTrainingSet', data);
  const classes = checkClasses('stampedTrainingSet', mark, options.classes);
  const { rate, seed } = options;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`stampedTrainingSet: rate ${rate} is not a share from 0 to 1`);
  if (!Number.isFinite(seed)) throw new Error(`stampedTrainingSet: seed ${seed} is not a number`);
  const random = mulberry32(seed);
  const images = data.images.slice();
  const stamped: number[] = [];
  // Class by class, in ascending order, so that the choice for one class does not depend on how the classes were listed.
  for (const digit of [...classes].sort((a, b) => a - b)) {
    const members = indicesWhere(data.labels, (label) => label === digit);
    shuffleInPlace(members, random);
    stamped.push(...members.subarray(0, Math.round(rate * members.length)));
  }
  const sorted = Int32Array.from(stamped).sort();
  for (const i of sorted) stampMark(images, mark, i * IMAGE_BYTES);
  return { images, labels: data.labels, stamped: sorted };
}

/**
 * The "wrongly marked" test set: test images whose label is not a marked
 * class, each stamped with the mark. The input is not changed, so the clean
 * test set stays as it is, and `indices` finds each image's clean original.
 *
 * @param options.classes The marked class(es), as given to `stampedTrainingSet`.
 * @param options.count How many to take; all of them when absent.
 * @param options.seed Chooses which `count` images (a seeded sample, kept in test-set order); unused without `count`.
 */
export function markedTestSet(
  data: LabelledImages,
  mark: Mark,
  options: { classes: readonly number[]; count?: number; seed?: number },
): MarkedTestSet {
  checkData('markedTestSet', data);
  const classes = new Set(checkClasses('markedTestSet', mark, options.classes));
  let indices = indicesWhere(data.labels, (label) => !classes.has(label));
  const { count } = options;
  if (count !== undefined) {
    if (!Number.isInteger(count) || count < 0 || count > indices.length) {
      throw new Error(`markedTestSet: count ${count} is not a whole number from 0 to ${indices.length} (the images of other classes)`);
    }
    if (options.seed === undefined || !Number.isFinite(options.seed))
      throw new Error('markedTestSet: a count needs a seed to choose the images');
    indices = shuffleInPlace(indices, mulberry32(options.seed)).subarray(0, count).sort();
  }
  const images = new Uint8Array(indices.length * IMAGE_BYTES);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    images.set(data.images.subarray(source * IMAGE_BYTES, (source + 1) * IMAGE_BYTES), i * IMAGE_BYTES);
    labels[i] = data.labels[source]!;
    stampMark(images, mark, i * IMAGE_BYTES);
  });
  return { images, labels, indices };
}

function indicesWhere(labels: Uint8Array, keep: (label: number) => boolean): Int32Array {
  const out: number[] = [];
  labels.forEach((label, i) => {
    if (keep(label)) out.push(i);
  });
  return Int32Array.from(out);
}

function checkData(where: string, { labels, images }: LabelledImages): void {
  if (images.length !== labels.length * IMAGE_BYTES) {
    throw new Error(`${where}: ${labels.length} labels need ${labels.length * IMAGE_BYTES} image bytes, found ${images.length}`);
  }
}

function checkClasses(where: string, mark: Mark, classes: readonly number[]): number[] {
  if (classes.length === 0) throw new Error(`${where}: no ${mark.name} class given; name at least one digit`);
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= CLASSES)
      throw new Error(`${where}: ${mark.name} class ${c} is not a digit from 0 to ${CLASSES - 1}`);
  }
  if (new Set(classes).size !== classes.length) throw new Error(`${where}: the ${mark.name} classes ${classes.join(', ')} repeat a digit`);
  return [...classes];
}
