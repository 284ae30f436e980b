/**
 * What the network learned, read off its weights and its gradients: the
 * mathematics behind the deck's "what the network looks at" figures.
 *
 * For the lecture's network (backprop.ts)
 *
 *   h = relu(x·W1 + b1)          z = h·W2 + b2          p = softmax(z)
 *
 * the gradient of one class's logit with respect to the 784 input pixels is,
 * by the chain rule,
 *
 *   ∂z_c/∂x = W1 · (1[h > 0] ⊙ W2[:, c])
 *
 * (the ReLU passes gradient only through the units that are on). That map,
 * a "saliency map", says which pixels would raise the class's score if they
 * were brighter and which would lower it. Because the network is linear
 * between ReLU switches, it is more than a local slope: for the input itself,
 *
 *   z_c = Σ_i x_i · ∂z_c/∂x_i + (1[h > 0] ⊙ b1)·W2[:, c] + b2_c
 *
 * exactly, so the map times the image shows how much each pixel contributed.
 *
 * Tensor functions take the `tf` namespace, so that the same code runs in
 * the training worker and under Node in the tests; plain-number functions
 * need no TensorFlow.js at all. No DOM.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { CLASSES, IMAGE_BYTES, IMAGE_HEIGHT, IMAGE_WIDTH } from '../../mnist/format.ts';
import { mulberry32 } from '../../lib/random.ts';

type TF = typeof tfc;

/**
 * The dense network's weights: W1 784 × H, b1 H, W2 H × 10, b2 10. The same
 * shape as backprop.ts's `Parameters`, written out here so that this module
 * depends only on the shape of the weights.
 */
export type DenseParameters = {
  w1: tfc.Tensor2D;
  b1: tfc.Tensor1D;
  w2: tfc.Tensor2D;
  b2: tfc.Tensor1D;
};

/** A saliency map and the class it explains. */
export interface Saliency {
  /** ∂z_c/∂x: 784 values, row by row, in logit units per unit of pixel value (pixels scaled to [0, 1]). */
  map: Float32Array;
  /** The class c whose logit was differentiated. */
  classIndex: number;
  /** The ten logits for the input. */
  logits: Float32Array;
}

/** Saliency maps for a batch. */
export interface SaliencyBatch {
  /** count × 784 values: example i's map at [i·784, (i + 1)·784). */
  maps: Float32Array;
  /** The class explained for each example. */
  classes: Int32Array;
  /** count × 10 logits. */
  logits: Float32Array;
}

/** One input's path through the network. */
export interface Activations {
  /** The H hidden units' outputs, relu(x·W1 + b1). */
  hidden: Float32Array;
  /** The ten logits z. */
  logits: Float32Array;
  /** The ten probabilities softmax(z). */
  probabilities: Float32Array;
}

/** Weight images for a figure, with the range of a diverging colour scale. */
export interface WeightImages {
  /** One 784-value image (28 × 28, row by row) per chosen unit or class. */
  images: Float32Array[];
  /**
   * The largest |weight| over all the images: colour the domain
   * [−limit, +limit] so that a weight of zero lands on the scale's neutral
   * middle and the two signs get equal room. Zero when every weight is zero.
   */
  limit: number;
}

/**
 * The saliency map of one input: the gradient of class `classIndex`'s logit
 * (by default, the predicted class) with respect to the 784 pixels, from
 * the hand-derived ∂z_c/∂x = W1 · (1[h > 0] ⊙ W2[:, c]).
 *
 * Why the logit and not the probability: ∂p_c/∂x = p_c·(∂z_c/∂x − Σ_k p_k·∂z_k/∂x),
 * which vanishes as the network grows confident (p_c → 1 makes the bracket
 * → 0), so the most confident answers would look as if they rested on
 * nothing; and it mixes in the evidence for every other class. The logit's
 * gradient is the class's own evidence, at any confidence.
 *
 * @param x 784 pixel values scaled to [0, 1], as the network was trained on.
 */
export async function saliency(tf: TF, params: DenseParameters, x: Float32Array, classIndex?: number): Promise<Saliency> {
  if (x.length !== IMAGE_BYTES)
    throw new Error(`saliency: the input has ${x.length} values, expected ${IMAGE_BYTES}; use saliencyBatch for several`);
  const batch = await saliencyBatch(tf, params, x, classIndex === undefined ? undefined : Int32Array.of(classIndex));
  return { map: batch.maps, classIndex: batch.classes[0]!, logits: batch.logits };
}

/**
 * Saliency maps for `xs.length / 784` inputs at once: the same formula,
 * one row per example, for the price of one matrix product more than the
 * forward pass.
 *
 * @param xs Inputs laid end to end, 784 values each, scaled to [0, 1].
 * @param classes One class per input, or absent for each input's predicted class.
 */
export async function saliencyBatch(tf: TF, params: DenseParameters, xs: Float32Array, classes?: Int32Array): Promise<SaliencyBatch> {
  checkParameters('saliency', params);
  const count = xs.length / IMAGE_BYTES;
  if (!Number.isInteger(count) || count === 0)
    throw new Error(`saliency: the input has ${xs.length} values, expected a positive multiple of ${IMAGE_BYTES}`);
  if (classes) {
    if (classes.length !== count) throw new Error(`saliency: ${classes.length} classes given for ${count} inputs`);
    classes.forEach((c) => checkClass('saliency', c));
  }
  const [maps, chosen, logits] = tf.tidy(() => {
    const x = tf.tensor2d(xs, [count, IMAGE_BYTES]);
    const preActivation = tf.add(tf.matMul(x, params.w1), params.b1);
    const z = tf.add(tf.matMul(tf.relu(preActivation), params.w2), params.b2) as tfc.Tensor2D;
    const c = classes ? tf.tensor1d(classes, 'int32') : (tf.cast(tf.argMax(z, 1), 'int32') as tfc.Tensor1D);
    // Row i: W2[:, c_i] masked by which hidden units are on for input i.
    const columns = tf.gather(tf.transpose(params.w2), c) as tfc.Tensor2D;
    const upstream = tf.mul(tf.step(preActivation), columns) as tfc.Tensor2D;
    // Row i of (1[h > 0] ⊙ W2[:, c]) · W1ᵀ is W1 · (…) for example i. `step` gives 0 at exactly 0: a unit sitting at 0 passes no gradient, as in training.
    // The wasm backend multiplies by a transposed operand in a slow loop (backprop.ts), so there W1 is transposed first.
    const map = tf.getBackend() === 'wasm' ? tf.matMul(upstream, tf.transpose(params.w1)) : tf.matMul(upstream, params.w1, false, true);
    return [map, c, z] as const;
  });
  try {
    const [m, k, l] = await Promise.all([maps.data(), chosen.data(), logits.data()]);
    return { maps: Float32Array.from(m), classes: Int32Array.from(k), logits: Float32Array.from(l) };
  } finally {
    tf.dispose([maps, chosen, logits]);
  }
}

/**
 * Each pixel's contribution to the class's logit: the saliency map times
 * the input, pixel by pixel. For this network the contributions add up,
 * with the biases' share, to the logit exactly (see the module comment), so
 * unlike the map itself they are zero where there is no ink: they say what
 * the network used in this image, not what it would have used.
 */
export function contributions(map: ArrayLike<number>, x: ArrayLike<number>): Float32Array {
  if (map.length !== IMAGE_BYTES || x.length !== IMAGE_BYTES) {
    throw new Error(`contributions: the map has ${map.length} values and the input ${x.length}, expected ${IMAGE_BYTES} each`);
  }
  return Float32Array.from({ length: IMAGE_BYTES }, (_, i) => map[i]! * x[i]!);
}

/**
 * One input's path through the network: the hidden layer's H activations,
 * the ten logits and the ten probabilities.
 *
 * @param x 784 pixel values scaled to [0, 1].
 */
export async function activations(tf: TF, params: DenseParameters, x: Float32Array): Promise<Activations> {
  checkParameters('activations', params);
  if (x.length !== IMAGE_BYTES) throw new Error(`activations: the input has ${x.length} values, expected ${IMAGE_BYTES}`);
  const [h, z, p] = tf.tidy(() => {
    const h = tf.relu(tf.add(tf.matMul(tf.tensor2d(x, [1, IMAGE_BYTES]), params.w1), params.b1));
    const z = tf.add(tf.matMul(h, params.w2), params.b2);
    return [h, z, tf.softmax(z)] as const;
  });
  try {
    const [hidden, logits, probabilities] = await Promise.all([h.data(), z.data(), p.data()]);
    return { hidden: Float32Array.from(hidden), logits: Float32Array.from(logits), probabilities: Float32Array.from(probabilities) };
  } finally {
    tf.dispose([h, z, p]);
  }
}

/**
 * The indices of the `k` most active units, most active first; equal
 * activations keep index order, so the answer is deterministic. When fewer
 * than `k` units are on, the list ends with units whose activation is 0.
 */
export function topUnits(activations: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 0 || k > activations.length) {
    throw new Error(`topUnits: k = ${k} is not a whole number from 0 to ${activations.length} (the number of units)`);
  }
  return Array.from({ length: activations.length }, (_, i) => i)
    .sort((a, b) => activations[b]! - activations[a]! || a - b)
    .slice(0, k);
}

/**
 * The incoming weights of hidden units as 28 × 28 images: unit u's image is
 * column u of W1, the pattern of ink that turns the unit on (positive
 * weights) or off (negative ones).
 *
 * @param w1 W1's values, 784 × `hidden`, row-major (as `w1.data()` gives them).
 * @param units The units to draw, each from 0 to `hidden` − 1.
 */
export function templates(w1: ArrayLike<number>, hidden: number, units: readonly number[]): WeightImages {
  checkKernel('templates', w1, hidden);
  for (const u of units) {
    if (!Number.isInteger(u) || u < 0 || u >= hidden) throw new Error(`templates: unit ${u} is not a hidden unit from 0 to ${hidden - 1}`);
  }
  return columnImages(w1, hidden, units);
}

/**
 * A deterministic choice of `count` hidden units to draw, stratified by the
 * size (L2 norm) of their incoming weights: the units are ranked by norm,
 * the ranking is cut into `count` runs of (nearly) equal length, and one
 * unit is drawn from each run with the seed. Returned strongest first.
 *
 * Why: the largest norms alone would cherry-pick the most striking units,
 * and a plain random sample can miss the range; a stratified sample shows
 * what a typical unit learned, from the strongest to the weakest, and the
 * seed (part of the figure's state) reproduces it or offers another sample.
 */
export function chooseUnits(w1: ArrayLike<number>, hidden: number, count: number, seed: number): number[] {
  checkKernel('chooseUnits', w1, hidden);
  if (!Number.isInteger(count) || count < 0 || count > hidden)
    throw new Error(`chooseUnits: count ${count} is not a whole number from 0 to ${hidden}`);
  if (!Number.isFinite(seed)) throw new Error(`chooseUnits: seed ${seed} is not a number`);
  const norms = new Float64Array(hidden);
  for (let i = 0; i < IMAGE_BYTES; i++) {
    for (let u = 0; u < hidden; u++) norms[u] = norms[u]! + w1[i * hidden + u]! ** 2;
  }
  const ranked = Array.from({ length: hidden }, (_, u) => u).sort((a, b) => norms[b]! - norms[a]! || a - b);
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, s) => {
    const start = Math.floor((s * hidden) / count);
    const end = Math.floor(((s + 1) * hidden) / count);
    return ranked[start + Math.floor(random() * (end - start))]!;
  });
}

/**
 * Logistic regression's ten templates: column k of its 784 × 10 kernel is
 * the pattern of ink that votes for digit k, as a 28 × 28 image. The biases
 * come back beside them, since they shift a class's score whatever the ink.
 *
 * @param w The kernel's values, 784 × 10, row-major.
 * @param b The ten biases.
 */
export function classTemplates(w: ArrayLike<number>, b: ArrayLike<number>): WeightImages & { biases: number[] } {
  checkKernel('classTemplates', w, CLASSES);
  if (b.length !== CLASSES) throw new Error(`classTemplates: ${b.length} biases given, expected ${CLASSES}`);
  return {
    ...columnImages(
      w,
      CLASSES,
      Array.from({ length: CLASSES }, (_, k) => k),
    ),
    biases: Array.from(b),
  };
}

/**
 * Accuracy on each digit's examples: entry k is the share of examples
 * labelled k that were predicted k, or NaN when there is none (a gap in a
 * chart, not a zero).
 */
export function perClassAccuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number[] {
  if (labels.length !== predictions.length)
    throw new Error(`perClassAccuracy: ${labels.length} labels but ${predictions.length} predictions`);
  const total = new Array<number>(CLASSES).fill(0);
  const right = new Array<number>(CLASSES).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = checkClass('perClassAccuracy', labels[i]!, 'label');
    checkClass('perClassAccuracy', predictions[i]!, 'prediction');
    total[label] = total[label]! + 1;
    if (predictions[i] === label) right[label] = right[label]! + 1;
  }
  return total.map((n, k) => (n === 0 ? Number.NaN : right[k]! / n));
}

/**
 * The share of predictions that name a ruler class. On the wrongly marked
 * test images (none of which is a ruler class) it is the share the ruler
 * flipped: the network read the mark, not the digit.
 */
export function flippedShare(predictions: ArrayLike<number>, rulerClasses: readonly number[]): number {
  if (predictions.length === 0) throw new Error('flippedShare: no predictions given');
  if (rulerClasses.length === 0) throw new Error('flippedShare: no ruler class given');
  const ruler = new Set(rulerClasses.map((c) => checkClass('flippedShare', c, 'ruler class')));
  let flipped = 0;
  for (let i = 0; i < predictions.length; i++) if (ruler.has(checkClass('flippedShare', predictions[i]!, 'prediction'))) flipped += 1;
  return flipped / predictions.length;
}

function columnImages(kernel: ArrayLike<number>, columns: number, chosen: readonly number[]): WeightImages {
  let limit = 0;
  const images = chosen.map((u) => {
    const image = new Float32Array(IMAGE_HEIGHT * IMAGE_WIDTH);
    for (let i = 0; i < IMAGE_BYTES; i++) {
      image[i] = kernel[i * columns + u]!;
      limit = Math.max(limit, Math.abs(image[i]!));
    }
    return image;
  });
  return { images, limit };
}

function checkKernel(where: string, kernel: ArrayLike<number>, columns: number): void {
  if (!Number.isInteger(columns) || columns <= 0) throw new Error(`${where}: ${columns} is not a positive number of units`);
  if (kernel.length !== IMAGE_BYTES * columns) {
    throw new Error(`${where}: the kernel has ${kernel.length} values, expected 784 × ${columns} = ${IMAGE_BYTES * columns}`);
  }
}

function checkParameters(where: string, p: DenseParameters): void {
  const hidden = p.w1.shape[1];
  const problems = [
    p.w1.shape[0] !== IMAGE_BYTES && `w1 is ${p.w1.shape.join(' × ')}, expected 784 × H`,
    p.b1.shape[0] !== hidden && `b1 has ${p.b1.shape[0]} values, expected ${hidden}`,
    (p.w2.shape[0] !== hidden || p.w2.shape[1] !== CLASSES) && `w2 is ${p.w2.shape.join(' × ')}, expected ${hidden} × ${CLASSES}`,
    p.b2.shape[0] !== CLASSES && `b2 has ${p.b2.shape[0]} values, expected ${CLASSES}`,
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`${where}: the weights do not fit the dense network: ${problems.join('; ')}`);
}

function checkClass(where: string, c: number, what = 'class'): number {
  if (!Number.isInteger(c) || c < 0 || c >= CLASSES) throw new Error(`${where}: ${what} ${c} is not a digit from 0 to ${CLASSES - 1}`);
  return c;
}
