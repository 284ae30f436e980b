/**
 * Models, optimizers and runs as plain data, so that a page can list them,
 * compare them, put them in a URL and print them, and the worker can train
 * any of them with one Trainer.
 *
 * A model's input is always an MNIST image (28 × 28 × 1, values in [0, 1])
 * and its output always a Dense 10 layer with a softmax, trained on
 * categorical cross-entropy; a spec lists only the layers in between. A
 * dense layer that follows a convolution or a pooling layer flattens its
 * input first (Keras' `Flatten`, in height, width, channel order).
 *
 * Nothing here needs TensorFlow.js: the page imports it without the worker's
 * weight.
 */
import { IMAGE_HEIGHT, IMAGE_WIDTH } from '../../mnist/format.ts';

/** The element-wise functions a hidden layer may apply. */
export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** A fully connected layer (Keras `Dense`). */
export interface DenseSpec {
  type: 'dense';
  /** Output units. */
  units: number;
  activation: Activation;
}

/** A 2-D convolution with stride 1 and a square kernel (Keras `Conv2D`). */
export interface Conv2dSpec {
  type: 'conv2d';
  /** Output channels. */
  filters: number;
  /** Side of the square kernel, in pixels. */
  kernel: number;
  activation: Activation;
  /** 'valid' (the default, as in Keras) shrinks the image by kernel − 1; 'same' keeps its size. */
  padding?: 'valid' | 'same';
}

/** Max pooling over size × size windows with stride size, dropping a ragged edge (Keras `MaxPooling2D`). */
export interface MaxPoolSpec {
  type: 'maxpool';
  size: number;
}

/** One hidden layer. */
export type LayerSpec = DenseSpec | Conv2dSpec | MaxPoolSpec;

/** The hidden layers between the image and the Dense 10 softmax output, in order. */
export interface ModelSpec {
  layers: LayerSpec[];
}

/** An optimizer and its hyper-parameters other than the learning rate (optimizers.ts has the rules). */
export type OptimizerSpec =
  | { type: 'sgd' }
  | { type: 'momentum'; momentum: number }
  | { type: 'rmsprop'; rho: number; epsilon: number }
  | {
      type: 'adam';
      beta1: number;
      beta2: number;
      epsilon: number;
      /** Keras 2's inverse-time decay: the step uses lr / (1 + decay · updates so far). Absent or 0: a constant rate. */
      decay?: number;
    };

/** Everything that decides a training run's numbers; with the same spec, two runs train alike. */
export interface RunSpec {
  model: ModelSpec;
  optimizer: OptimizerSpec;
  learningRate: number;
  batchSize: number;
  epochs: number;
  /** Train on the first N of the 60,000 training images. */
  trainSize: number;
  /** Seed of the initial weights and of the shuffles. */
  seed: number;
}

/** The image every model reads: height, width, channels. */
export const INPUT_SHAPE: readonly [number, number, number] = [IMAGE_HEIGHT, IMAGE_WIDTH, 1];

/** Presets are shared by every run that starts from them, so nothing may change them in place. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/** No hidden layer: Dense 10 softmax on the pixels, i.e. multinomial logistic regression. */
export const LOGISTIC: ModelSpec = deepFreeze({ layers: [] });

/** The lecture's network (Chollet's first example): Dense 512 ReLU, then the softmax. */
export const KERAS_DENSE: ModelSpec = deepFreeze({ layers: [{ type: 'dense', units: 512, activation: 'relu' }] });

/**
 * A LeNet-like convnet sized for a laptop's CPU: a 5 × 5 convolution with 8
 * filters and one with 48, each followed by 2 × 2 max pooling, then Dense
 * 128 ReLU and the softmax (109,578 weights). 'valid' padding keeps the
 * feature maps small (24 × 24, then 8 × 8), and few filters go where they
 * are largest, because on WebAssembly a step's time goes with the size of
 * the maps; of the sizes tried (bench/model-training.ts), this one was the
 * smallest to pass 0.99 in three epochs.
 */
export const SMALL_CNN: ModelSpec = deepFreeze({
  layers: [
    { type: 'conv2d', filters: 8, kernel: 5, activation: 'relu' },
    { type: 'maxpool', size: 2 },
    { type: 'conv2d', filters: 48, kernel: 5, activation: 'relu' },
    { type: 'maxpool', size: 2 },
    { type: 'dense', units: 128, activation: 'relu' },
  ],
});

/** Plain gradient descent: w ← w − lr·g. Keras' default learning rate: 0.01. */
export const SGD: OptimizerSpec = deepFreeze({ type: 'sgd' });

/** Keras' SGD with momentum 0.9 (Keras' own default momentum is 0; 0.9 is the usual choice): v ← 0.9·v − lr·g; w ← w + v. */
export const MOMENTUM: OptimizerSpec = deepFreeze({ type: 'momentum', momentum: 0.9 });

/** RMSprop with Keras' defaults: rho 0.9, epsilon 1e-7 (learning rate 0.001). */
export const RMSPROP: OptimizerSpec = deepFreeze({ type: 'rmsprop', rho: 0.9, epsilon: 1e-7 });

/** Adam with Keras' defaults: beta1 0.9, beta2 0.999, epsilon 1e-7 (learning rate 0.001). */
export const ADAM: Extract<OptimizerSpec, { type: 'adam' }> = deepFreeze({ type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });

/** Keras' default learning rate of each optimizer (Keras 2 and 3 agree). */
export const KERAS_LEARNING_RATES: Readonly<Record<OptimizerSpec['type'], number>> = deepFreeze({
  sgd: 0.01,
  momentum: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
});

/** The lecture's Keras program: Dense 512 ReLU, RMSprop 0.001, batch 128, 5 epochs, all 60,000 images, seed 42. */
export const KERAS_RUN: RunSpec = deepFreeze({
  model: KERAS_DENSE,
  optimizer: RMSPROP,
  learningRate: 0.001,
  batchSize: 128,
  epochs: 5,
  trainSize: 60000,
  seed: 42,
});

/** Logistic regression trained by the same program as the lecture's network, to compare the two. */
export const LOGISTIC_RUN: RunSpec = deepFreeze({ ...KERAS_RUN, model: LOGISTIC });

/**
 * The convnet: Adam for 3 epochs in batches of 64, starting at three times
 * Keras' default learning rate and decaying it as Keras 2's `decay` does
 * (0.003 / (1 + 0.003 · updates), down to 0.0005 by the last step). With a
 * constant 0.002 in batches of 128, the third epoch's test accuracy came out
 * anywhere from 0.9843 to 0.9901 depending on the order the batches came in;
 * this recipe gave 0.9874, 0.9908 and 0.9902 after each epoch through the
 * worker's run queue, in under three minutes on one core
 * (bench/changes.md).
 */
export const CNN_RUN: RunSpec = deepFreeze({
  model: SMALL_CNN,
  optimizer: { ...ADAM, decay: 0.003 },
  learningRate: 0.003,
  batchSize: 64,
  epochs: 3,
  trainSize: 60000,
  seed: 42,
});

/** Optimizer steps in one epoch: one per batch, the last batch possibly smaller. */
export function stepsPerEpoch(run: Pick<RunSpec, 'trainSize' | 'batchSize'>): number {
  return Math.ceil(run.trainSize / run.batchSize);
}

/** Optimizer steps in the whole run. */
export function stepsOfRun(run: Pick<RunSpec, 'trainSize' | 'batchSize' | 'epochs'>): number {
  return stepsPerEpoch(run) * run.epochs;
}
