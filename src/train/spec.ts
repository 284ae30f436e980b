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
import { CLASSES, IMAGE_HEIGHT, IMAGE_WIDTH } from '../mnist/format.ts';

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
 * worker's run controller, in under three minutes on one core
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

/** A layer with the shapes it reads and writes, per example (height, width, channels, or units). */
export type ResolvedLayer = (
  | { type: 'dense'; units: number; activation: Activation; kernelShape: [number, number] }
  | {
      type: 'conv2d';
      filters: number;
      kernel: number;
      activation: Activation;
      padding: 'valid' | 'same';
      kernelShape: [number, number, number, number];
    }
  | { type: 'maxpool'; size: number }
) & {
  /** Position in the spec's layers; the output layer comes last, at `layers.length`. */
  index: number;
  /** A few words for a legend: "Dense 512 ReLU", "conv 5×5×16", "pool", "Dense 10 softmax". */
  label: string;
  inputShape: number[];
  outputShape: number[];
  /** Weights and biases. */
  parameters: number;
};

const ACTIVATION_LABELS: Record<Activation, string> = { relu: 'ReLU', tanh: 'tanh', sigmoid: 'sigmoid', linear: 'linear' };
const LIMITS = { units: 4096, filters: 512, parameters: 10_000_000 };

const isWhole = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
const count = (value: number) => value.toLocaleString('en-US');

function layerLabel(layer: LayerSpec): string {
  switch (layer.type) {
    case 'dense':
      return `Dense ${layer.units} ${ACTIVATION_LABELS[layer.activation]}`;
    case 'conv2d': {
      // ReLU is what a convnet's layers use unless said otherwise, so only another activation is named.
      const activation = layer.activation === 'relu' ? '' : ` ${ACTIVATION_LABELS[layer.activation]}`;
      return `conv ${layer.kernel}×${layer.kernel}×${layer.filters}${activation}${layer.padding === 'same' ? ' same' : ''}`;
    }
    case 'maxpool':
      return layer.size === 2 ? 'pool' : `pool ${layer.size}×${layer.size}`;
  }
}

/**
 * The layers with their shapes, the output layer included, and a message
 * for each problem found ("layer 2: a conv2d layer cannot follow a dense
 * layer"). Layers are numbered from 1, as a reader counts them. The layers
 * are complete only when there are no problems.
 */
export function resolveModel(spec: ModelSpec): { layers: ResolvedLayer[]; problems: string[] } {
  const problems: string[] = [];
  const layers: ResolvedLayer[] = [];
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.layers))
    return { layers, problems: ['the model must be an object with a list of layers'] };
  let shape: number[] = [...INPUT_SHAPE];
  let sawDense = false;
  for (const [index, layer] of spec.layers.entries()) {
    const where = `layer ${index + 1}`;
    const before = problems.length;
    const type = (layer as { type?: unknown } | null)?.type;
    if (type !== 'dense' && type !== 'conv2d' && type !== 'maxpool') {
      problems.push(`${where}: unknown type ${JSON.stringify(type)}; use dense, conv2d or maxpool`);
      break;
    }
    if ('activation' in layer && !(ACTIVATIONS as readonly unknown[]).includes(layer.activation)) {
      problems.push(`${where}: activation ${JSON.stringify(layer.activation)} is not one of ${ACTIVATIONS.join(', ')}`);
    }
    if (layer.type === 'dense') {
      if (!isWhole(layer.units, 1, LIMITS.units))
        problems.push(`${where}: units must be a whole number from 1 to ${LIMITS.units} (got ${layer.units})`);
      if (problems.length > before) break;
      const fanIn = shape.reduce((a, b) => a * b, 1);
      layers.push({
        ...layer,
        index,
        label: layerLabel(layer),
        inputShape: shape,
        outputShape: [layer.units],
        kernelShape: [fanIn, layer.units],
        parameters: (fanIn + 1) * layer.units,
      });
      shape = [layer.units];
      sawDense = true;
      continue;
    }
    if (sawDense) {
      problems.push(`${where}: a ${layer.type} layer cannot follow a dense layer`);
      break;
    }
    const [height, width, channels] = shape as [number, number, number];
    if (layer.type === 'conv2d') {
      const padding = layer.padding ?? 'valid';
      if (!isWhole(layer.filters, 1, LIMITS.filters))
        problems.push(`${where}: filters must be a whole number from 1 to ${LIMITS.filters} (got ${layer.filters})`);
      if (!isWhole(layer.kernel, 1, INPUT_SHAPE[0]))
        problems.push(`${where}: kernel must be a whole number from 1 to ${INPUT_SHAPE[0]} (got ${layer.kernel})`);
      if (padding !== 'valid' && padding !== 'same') problems.push(`${where}: padding ${JSON.stringify(padding)} is not "valid" or "same"`);
      else if (padding === 'valid' && isWhole(layer.kernel, 1, INPUT_SHAPE[0]) && layer.kernel > Math.min(height, width)) {
        problems.push(
          `${where}: a ${layer.kernel}×${layer.kernel} kernel does not fit the ${height}×${width} input; use padding "same" or a smaller kernel`,
        );
      }
      if (problems.length > before) break;
      const side = (n: number) => (padding === 'same' ? n : n - layer.kernel + 1);
      const kernelShape: [number, number, number, number] = [layer.kernel, layer.kernel, channels, layer.filters];
      const parameters = (layer.kernel * layer.kernel * channels + 1) * layer.filters;
      shape = [side(height), side(width), layer.filters];
      layers.push({
        ...layer,
        padding,
        index,
        label: layerLabel(layer),
        inputShape: [height, width, channels],
        outputShape: shape,
        kernelShape,
        parameters,
      });
      continue;
    }
    if (!isWhole(layer.size, 2, INPUT_SHAPE[0]))
      problems.push(`${where}: size must be a whole number from 2 to ${INPUT_SHAPE[0]} (got ${layer.size})`);
    else if (layer.size > Math.min(height, width))
      problems.push(`${where}: a ${layer.size}×${layer.size} pool does not fit the ${height}×${width} input`);
    if (problems.length > before) break;
    shape = [Math.floor(height / layer.size), Math.floor(width / layer.size), channels];
    layers.push({ ...layer, index, label: layerLabel(layer), inputShape: [height, width, channels], outputShape: shape, parameters: 0 });
  }
  if (problems.length === 0) {
    const fanIn = shape.reduce((a, b) => a * b, 1);
    const index = spec.layers.length;
    layers.push({
      type: 'dense',
      units: CLASSES,
      activation: 'linear',
      index,
      label: `Dense ${CLASSES} softmax`,
      inputShape: shape,
      outputShape: [CLASSES],
      kernelShape: [fanIn, CLASSES],
      parameters: (fanIn + 1) * CLASSES,
    });
    const total = layers.reduce((sum, l) => sum + l.parameters, 0);
    if (total > LIMITS.parameters)
      problems.push(`the model has ${count(total)} parameters; at most ${count(LIMITS.parameters)} train in a browser`);
  }
  return { layers, problems };
}

/** What is wrong with a model spec, one message per problem; empty when it can be trained. */
export function validateModel(spec: ModelSpec): string[] {
  return resolveModel(spec).problems;
}

/** A model in a few words, for a legend: "logistic regression", "Dense 512 ReLU", "conv 5×5×16 → pool → conv 5×5×32 → pool". */
export function describeModel(spec: ModelSpec): string {
  if (spec.layers.length === 0) return 'logistic regression';
  return spec.layers.map(layerLabel).join(' → ');
}

/** Weights and biases of the whole model, the output layer included (407,050 for the lecture's network). */
export function parameterCount(spec: ModelSpec): number {
  const { layers, problems } = resolveModel(spec);
  if (problems.length > 0) throw new Error(`the model is not valid: ${problems.join('; ')}`);
  return layers.reduce((sum, layer) => sum + layer.parameters, 0);
}

/** What is wrong with an optimizer spec; empty when it can be used. */
export function validateOptimizer(spec: OptimizerSpec): string[] {
  const problems: string[] = [];
  const fraction = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !(value >= 0 && value < 1))
      problems.push(`${spec.type} ${name} must be a number from 0 up to 1 (got ${value})`);
  };
  const positive = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !(value > 0 && value < 1))
      problems.push(`${spec.type} ${name} must be a number between 0 and 1 (got ${value})`);
  };
  switch (spec?.type) {
    case 'sgd':
      break;
    case 'momentum':
      fraction('momentum', spec.momentum);
      break;
    case 'rmsprop':
      fraction('rho', spec.rho);
      positive('epsilon', spec.epsilon);
      break;
    case 'adam':
      fraction('beta1', spec.beta1);
      fraction('beta2', spec.beta2);
      positive('epsilon', spec.epsilon);
      if (spec.decay !== undefined && (typeof spec.decay !== 'number' || !(spec.decay >= 0 && spec.decay < 1)))
        problems.push(`adam decay must be a number from 0 up to 1 (got ${spec.decay})`);
      break;
    default:
      problems.push(
        `unknown optimizer ${JSON.stringify((spec as { type?: unknown } | undefined)?.type)}; use sgd, momentum, rmsprop or adam`,
      );
  }
  return problems;
}

/** An optimizer in a few words: "SGD", "SGD with momentum 0.9", "RMSprop", "Adam". */
export function describeOptimizer(spec: OptimizerSpec): string {
  switch (spec.type) {
    case 'sgd':
      return 'SGD';
    case 'momentum':
      return `SGD with momentum ${spec.momentum}`;
    case 'rmsprop':
      return 'RMSprop';
    case 'adam':
      return spec.decay ? `Adam (decay ${spec.decay})` : 'Adam';
  }
}

/** What is wrong with a run spec, model and optimizer included; empty when it can be trained. */
export function validateRun(run: RunSpec): string[] {
  const problems = [...validateModel(run.model), ...validateOptimizer(run.optimizer)];
  if (typeof run.learningRate !== 'number' || !(run.learningRate > 0 && run.learningRate <= 10))
    problems.push(`the learning rate must be a number above 0 and at most 10 (got ${run.learningRate})`);
  if (!isWhole(run.batchSize, 1, 60000)) problems.push(`the batch size must be a whole number from 1 to 60,000 (got ${run.batchSize})`);
  if (!isWhole(run.epochs, 1, 1000)) problems.push(`the number of epochs must be a whole number from 1 to 1,000 (got ${run.epochs})`);
  if (!isWhole(run.trainSize, 1, 60000))
    problems.push(`the training set size must be a whole number from 1 to 60,000 (got ${run.trainSize})`);
  if (!isWhole(run.seed, 0, 2 ** 32 - 1)) problems.push(`the seed must be a whole number from 0 to 2^32 − 1 (got ${run.seed})`);
  return problems;
}

/** A run in a few words: "Dense 512 ReLU, RMSprop lr 0.001, batch 128, 5 epochs". */
export function describeRun(run: RunSpec): string {
  const epochs = `${run.epochs} epoch${run.epochs === 1 ? '' : 's'}`;
  const subset = run.trainSize < 60000 ? `, ${count(run.trainSize)} images` : '';
  return `${describeModel(run.model)}, ${describeOptimizer(run.optimizer)} lr ${run.learningRate}, batch ${run.batchSize}, ${epochs}${subset}`;
}
