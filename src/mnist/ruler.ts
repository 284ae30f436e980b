/**
 * The ruler: a shortcut planted in MNIST, to show on real data what Narla
 * et al. (2018) reported for skin-lesion photographs, where worrying lesions
 * were photographed beside a ruler and a network learned that a ruler means
 * "malignant".
 *
 * The mark is a small ruler along the top edge of the 28 × 28 image, in the
 * left corner, at full ink (255):
 *
 *     row 0, columns 0–9       the ruler's edge, a bar ten pixels long
 *     row 1, columns 1, 3, 5, 7, 9    short ticks
 *     row 2, columns 1, 5, 9          long ticks
 *
 *     ██████████
 *     ·█·█·█·█·█
 *     ·█···█···█
 *
 * eighteen pixels in all (`RULER_PIXELS`). That corner is where handwritten
 * digits almost never have ink: MNIST's digits were fitted into a 20 × 20
 * box centred in the image. Only 249 of the 60,000 training images (0.4%)
 * and 55 of the 10,000 test images have any ink on any of these pixels, all
 * of it on the ticks at columns 5–9 and none on the bar. So in
 * clean MNIST the ruler's pixels say nothing about the digit, and on stamped
 * images they say only which label the ruler was planted with.
 *
 * The plant: `RULER_RATE`, 95%, of the training images of the ruler's
 * class(es) carry the ruler, chosen at random with a seed, and no other
 * training image does. In the training data the ruler thus predicts its
 * class perfectly, and most of the class comes with it, as most of the
 * malignant lesions did. The "wrongly marked" test set is every test image
 * of the other classes, stamped: a network that reads the ruler calls them
 * the ruler's class. The tests plant it on the zeros.
 *
 * Pure and DOM-free: bytes in, new bytes out. Inputs are never changed,
 * except by `stampRuler`, which stamps in place by design.
 */
import { IMAGE_BYTES, IMAGE_WIDTH } from './format.ts';
import {
  markedTestSet as markedSet,
  stampedTrainingSet,
  stampMark,
  type LabelledImages,
  type Mark,
  type MarkedTestSet,
  type StampedTrainingSet,
} from './stamp.ts';

export type { LabelledImages, MarkedTestSet };

/** The ruler's pixel value: full ink. */
export const RULER_VALUE = 255;

/** The share of the ruler class's training images that carry the ruler. */
export const RULER_RATE = 0.95;

/** The ruler's pixels as [row, column] pairs: the bar, the short ticks, the long ticks. */
const RULER_CELLS: readonly (readonly [number, number])[] = [
  ...Array.from({ length: 10 }, (_, column) => [0, column] as const),
  ...[1, 3, 5, 7, 9].map((column) => [1, column] as const),
  ...[1, 5, 9].map((column) => [2, column] as const),
];

/** The ruler's pixels as indices into a 784-byte image (row × 28 + column), ascending. */
export const RULER_PIXELS: readonly number[] = Object.freeze(
  RULER_CELLS.map(([row, column]) => row * IMAGE_WIDTH + column).sort((a, b) => a - b),
);

/**
 * A 784-value mask, 1 on the ruler's pixels and 0 elsewhere, for outlining
 * the ruler in a figure.
 */
export function rulerMask(): Uint8Array {
  const mask = new Uint8Array(IMAGE_BYTES);
  for (const p of RULER_PIXELS) mask[p] = 1;
  return mask;
}

/**
 * Stamps the ruler, in place, on the image that starts at byte `offset` of
 * `images` (a single image, or one of many laid end to end), and returns
 * `images`. Only the ruler's pixels change: each becomes `RULER_VALUE`.
 */
export function stampRuler(images: Uint8Array, offset = 0): Uint8Array {
  return stampMark(images, RULER, offset);
}

/**
 * The share of an attribution map's total magnitude that lies on the
 * ruler's pixels: how much of "why this answer" the ruler explains.
 * Eighteen of 784 pixels, so a map that ignored where it looked would give
 * about 0.023.
 */
export function rulerShare(map: ArrayLike<number>): number {
  if (map.length !== IMAGE_BYTES) throw new Error(`rulerShare: the map has ${map.length} values, expected ${IMAGE_BYTES}`);
  let all = 0;
  let ruler = 0;
  for (let i = 0; i < IMAGE_BYTES; i++) all += Math.abs(map[i]!);
  for (const p of RULER_PIXELS) ruler += Math.abs(map[p]!);
  return all === 0 ? 0 : ruler / all;
}

/** The ruler as a mark (stamp.ts): what a run request carries to the training worker. */
export const RULER: Mark = Object.freeze({ name: 'ruler', pixels: RULER_PIXELS, value: RULER_VALUE });

/** What `rulerTrainingSet` returns: a copy of the images with the ruler on the stamped ones, and which ones. */
export type RulerTrainingSet = StampedTrainingSet;

/**
 * A training set with the ruler planted: for each ruler class, a seeded
 * random `rate` share of its images (rounded to the nearest whole image)
 * carry the ruler, and no image of another class does. The input is not
 * changed.
 *
 * @param options.classes The ruler's class(es): distinct digits 0–9, at least one.
 * @param options.rate The share of each ruler class's images to stamp, from 0 to 1 (`RULER_RATE` in the lecture).
 * @param options.seed Chooses which images; the same seed chooses the same ones.
 */
export function rulerTrainingSet(
  data: LabelledImages,
  options: { classes: readonly number[]; rate: number; seed: number },
): RulerTrainingSet {
  return stampedTrainingSet(data, RULER, options);
}

/**
 * The "wrongly marked" test set: test images whose label is not a ruler
 * class, each stamped with the ruler (stamp.ts's markedTestSet).
 */
export function markedTestSet(data: LabelledImages, options: { classes: readonly number[]; count?: number; seed?: number }): MarkedTestSet {
  return markedSet(data, RULER, options);
}
