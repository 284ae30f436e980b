/**
 * Checking and describing the models, optimizers and runs of spec.ts: every
 * layer's shapes worked out from the image up, one sentence per problem
 * (the live slide's settings and links are checked with these before a run
 * is sent), and the few words that name a run in a legend.
 */
import { CLASSES } from '../../mnist/format.ts';
import { ACTIVATIONS, INPUT_SHAPE, type Activation, type LayerSpec, type ModelSpec, type OptimizerSpec, type RunSpec } from './spec.ts';

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
