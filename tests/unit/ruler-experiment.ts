/**
 * The ruler experiment, for the tests: train the lecture's network on MNIST
 * with the ruler planted, see what it makes of wrongly marked test images,
 * then train it again on the same images without the ruler.
 *
 * The training here is the lecture's program written out in plain
 * TensorFlow.js ops (Dense H ReLU → Dense 10, softmax cross-entropy,
 * RMSprop lr 0.001 ρ 0.9 ε 1e-7, batch 128, Glorot-uniform kernels, zero
 * biases), independent of the deck's Trainer so that these tests check the
 * ruler and the attributions, not the training loop. Products whose operand
 * would be read transposed are transposed first, which the wasm backend runs
 * far faster (see backprop.ts).
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { IMAGE_BYTES, CLASSES } from '../../src/mnist/format.ts';
import { markedTestSet, rulerTrainingSet, type LabelledImages } from '../../src/mnist/ruler.ts';
import { flippedShare, perClassAccuracy, type DenseParameters } from '../../src/train/model/interpret.ts';
import { mulberry32, shuffleInPlace } from '../../src/lib/random.ts';

type TF = typeof tfc;

export interface TrainSettings {
  hidden: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
}

export const LECTURE: Omit<TrainSettings, 'epochs' | 'seed'> = { hidden: 512, batchSize: 128, learningRate: 0.001 };

/** Bytes 0–255 to a float tensor in [0, 1]. */
export function toInputs(tf: TF, images: Uint8Array): tfc.Tensor2D {
  return tf.tidy(() => tf.div(tf.tensor2d(Float32Array.from(images), [images.length / IMAGE_BYTES, IMAGE_BYTES]), 255) as tfc.Tensor2D);
}

/** Trains the dense network from fresh seeded weights; the caller disposes the returned tensors. */
export function trainDense(tf: TF, data: LabelledImages, settings: TrainSettings): DenseParameters {
  const { hidden, epochs, batchSize, learningRate, seed } = settings;
  const rho = 0.9;
  const epsilon = 1e-7;
  const count = data.labels.length;
  const glorot = (fanIn: number, fanOut: number, s: number) => {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', s);
  };
  const vars = tf.tidy(() => ({
    w1: tf.variable(glorot(IMAGE_BYTES, hidden, seed)),
    b1: tf.variable(tf.zeros([hidden])),
    w2: tf.variable(glorot(hidden, CLASSES, seed + 1)),
    b2: tf.variable(tf.zeros([CLASSES])),
  }));
  const names = ['w1', 'b1', 'w2', 'b2'] as const;
  const ms = names.map((n) => tf.variable(tf.zerosLike(vars[n]), false));
  const random = mulberry32(seed + 2);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  // Batches are assembled on the CPU and uploaded: on wasm that is a copy, while tf.gather of 128 rows costs a quarter of a step.
  const xBatch = new Float32Array(batchSize * IMAGE_BYTES);
  const yBatch = new Float32Array(batchSize * CLASSES);
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffleInPlace(order, random);
    for (let start = 0; start < count; start += batchSize) {
      const indices = order.subarray(start, Math.min(count, start + batchSize));
      const size = indices.length;
      yBatch.fill(0);
      indices.forEach((source, row) => {
        for (let p = 0; p < IMAGE_BYTES; p++) xBatch[row * IMAGE_BYTES + p] = data.images[source * IMAGE_BYTES + p]! / 255;
        yBatch[row * CLASSES + data.labels[source]!] = 1;
      });
      tf.tidy(() => {
        const x = tf.tensor2d(xBatch.subarray(0, size * IMAGE_BYTES), [size, IMAGE_BYTES]);
        const y = tf.tensor2d(yBatch.subarray(0, size * CLASSES), [size, CLASSES]);
        const h = tf.fused.matMul({ a: x, b: vars.w1, bias: vars.b1, activation: 'relu' }) as tfc.Tensor2D;
        const z = tf.fused.matMul({ a: h, b: vars.w2, bias: vars.b2 }) as tfc.Tensor2D;
        const dz = tf.div(tf.sub(tf.softmax(z), y), size) as tfc.Tensor2D;
        const dh = tf.mul(tf.matMul(dz, tf.transpose(vars.w2)), tf.step(h)) as tfc.Tensor2D;
        const grads = [tf.matMul(tf.transpose(x), dh), tf.sum(dh, 0), tf.matMul(tf.transpose(h), dz), tf.sum(dz, 0)];
        names.forEach((name, i) => {
          const g = grads[i]!;
          const m = tf.add(tf.mul(rho, ms[i]!), tf.mul(1 - rho, tf.square(g)));
          ms[i]!.assign(m);
          vars[name].assign(tf.sub(vars[name], tf.div(tf.mul(learningRate, g), tf.add(tf.sqrt(m), epsilon))));
        });
      });
    }
  }
  tf.dispose(ms);
  return vars as unknown as DenseParameters;
}

/** The predicted digit of each image. */
export async function predict(tf: TF, params: DenseParameters, images: Uint8Array): Promise<Int32Array> {
  const chunk = 2000;
  const count = images.length / IMAGE_BYTES;
  const out = new Int32Array(count);
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    const predicted = tf.tidy(() => {
      const x = toInputs(tf, images.subarray(start * IMAGE_BYTES, end * IMAGE_BYTES));
      const h = tf.fused.matMul({ a: x, b: params.w1, bias: params.b1, activation: 'relu' });
      return tf.argMax(tf.fused.matMul({ a: h, b: params.w2, bias: params.b2 }), 1);
    });
    out.set(await predicted.data(), start);
    predicted.dispose();
  }
  return out;
}

/** The share of predictions that match their labels. */
export function accuracy(labels: ArrayLike<number>, predictions: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === predictions[i]) right += 1;
  return right / labels.length;
}

export interface ExperimentSettings {
  /** The first `trainSize` training images. */
  trainSize: number;
  /** The first `testSize` test images. */
  testSize: number;
  epochs: number;
  /** Hidden units (the lecture's 512). */
  hidden: number;
  /** The ruler's class(es) and the share of their training images stamped. */
  classes: number[];
  rate: number;
  /** Seeds the stamping, the initial weights and the shuffles; both trainings start from the same weights. */
  seed: number;
}

export interface ExperimentResult {
  /** With the ruler planted. */
  ruler: {
    trainAccuracy: number;
    cleanTestAccuracy: number;
    /** Clean test accuracy on each digit: the ruler class's own images lose their crutch. */
    perClass: number[];
    /** Share of the wrongly marked test images called a ruler class. */
    flipped: number;
    markedAccuracy: number;
  };
  /** Retrained on the same images without the ruler. */
  clean: {
    trainAccuracy: number;
    cleanTestAccuracy: number;
    perClass: number[];
    /** Accuracy on the non-ruler-class test images, clean and marked. */
    othersCleanAccuracy: number;
    markedAccuracy: number;
    flipped: number;
  };
  stamped: number;
  marked: number;
  /** Wall-clock milliseconds for each phase. */
  ms: { rulerTrain: number; rulerEval: number; cleanTrain: number; cleanEval: number; total: number };
  /** The trained weights, kept for attribution checks; the caller disposes them. */
  rulerParams: DenseParameters;
  cleanParams: DenseParameters;
  /** The data the experiment used. */
  train: LabelledImages;
  test: LabelledImages;
  markedSet: ReturnType<typeof markedTestSet>;
}

/** Trains with the ruler, evaluates clean and marked, retrains without, evaluates again. */
export async function rulerExperiment(
  tf: TF,
  source: { train: LabelledImages; test: LabelledImages },
  s: ExperimentSettings,
): Promise<ExperimentResult> {
  const t0 = performance.now();
  const train = {
    labels: source.train.labels.subarray(0, s.trainSize),
    images: source.train.images.subarray(0, s.trainSize * IMAGE_BYTES),
  };
  const test = { labels: source.test.labels.subarray(0, s.testSize), images: source.test.images.subarray(0, s.testSize * IMAGE_BYTES) };
  const planted = rulerTrainingSet(train, { classes: s.classes, rate: s.rate, seed: s.seed });
  const marked = markedTestSet(test, { classes: s.classes });
  const settings = { ...LECTURE, hidden: s.hidden, epochs: s.epochs, seed: s.seed };

  const rulerParams = trainDense(tf, planted, settings);
  await rulerParams.w1.data();
  const t1 = performance.now();
  const rulerTrainPred = await predict(tf, rulerParams, planted.images);
  const rulerTestPred = await predict(tf, rulerParams, test.images);
  const rulerMarkedPred = await predict(tf, rulerParams, marked.images);
  const t2 = performance.now();

  const cleanParams = trainDense(tf, train, settings);
  await cleanParams.w1.data();
  const t3 = performance.now();
  const cleanTrainPred = await predict(tf, cleanParams, train.images);
  const cleanTestPred = await predict(tf, cleanParams, test.images);
  // The same images as the marked set, without the mark: their predictions are already among the test set's.
  const cleanOthersPred = Int32Array.from(marked.indices, (i) => cleanTestPred[i]!);
  const cleanMarkedPred = await predict(tf, cleanParams, marked.images);
  const t4 = performance.now();

  return {
    ruler: {
      trainAccuracy: accuracy(train.labels, rulerTrainPred),
      cleanTestAccuracy: accuracy(test.labels, rulerTestPred),
      perClass: perClassAccuracy(test.labels, rulerTestPred),
      flipped: flippedShare(rulerMarkedPred, s.classes),
      markedAccuracy: accuracy(marked.labels, rulerMarkedPred),
    },
    clean: {
      trainAccuracy: accuracy(train.labels, cleanTrainPred),
      cleanTestAccuracy: accuracy(test.labels, cleanTestPred),
      perClass: perClassAccuracy(test.labels, cleanTestPred),
      othersCleanAccuracy: accuracy(marked.labels, cleanOthersPred),
      markedAccuracy: accuracy(marked.labels, cleanMarkedPred),
      flipped: flippedShare(cleanMarkedPred, s.classes),
    },
    stamped: planted.stamped.length,
    marked: marked.labels.length,
    ms: { rulerTrain: t1 - t0, rulerEval: t2 - t1, cleanTrain: t3 - t2, cleanEval: t4 - t3, total: t4 - t0 },
    rulerParams,
    cleanParams,
    train,
    test,
    markedSet: marked,
  };
}
