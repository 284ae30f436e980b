/**
 * Asking a trained network questions, on the device where its weights are:
 * the ten probabilities for some inputs, every layer's output for a digit,
 * a layer's weights, or only a few of a first layer's units. Nothing here
 * changes the weights, and nothing is uploaded again: each function reads
 * the trainer's own parameter tensors and brings back only its answer.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { forward, forwardLayers } from './backprop.ts';
import type { Trainer } from './trainer.ts';

/** A layer's weights in CPU memory, shaped as in Keras: dense [inputs, units], conv2d [k, k, channels in, filters]. */
export interface LayerWeights {
  kernel: { shape: number[]; values: Float32Array };
  bias: { shape: number[]; values: Float32Array };
}

/** One layer's output for some inputs: the shape is [count, …the layer's output shape]. */
export interface LayerActivation {
  /** The layer's position (the output layer is last, at the spec's `layers.length`). */
  layer: number;
  label: string;
  shape: number[];
  values: Float32Array;
}

/** Reads a tensor made for the answer, then frees it. */
async function read(tensor: tfc.Tensor): Promise<Float32Array> {
  try {
    return (await tensor.data()) as Float32Array;
  } finally {
    tensor.dispose();
  }
}

/** Class probabilities for `count` inputs of 784 values in [0, 1], laid end to end. */
export function predict(trainer: Trainer, inputs: Float32Array, count: number): Promise<Float32Array> {
  const { tf, network, parameters } = trainer;
  return read(tf.tidy(() => tf.softmax(forward(tf, network, tf.tensor2d(inputs, [count, IMAGE_BYTES]), [...parameters]))));
}

/** Probabilities for test examples by index (for the grid of test digits). */
export function predictTest(trainer: Trainer, indices: number[]): Promise<Float32Array> {
  const { tf, network, parameters, testInputs } = trainer;
  if (!testInputs) throw new Error('the trainer has no test data yet');
  return read(tf.tidy(() => tf.softmax(forward(tf, network, tf.gather(testInputs, tf.tensor1d(indices, 'int32')), [...parameters]))));
}

/**
 * Every layer's output for `count` inputs of 784 values in [0, 1], the
 * output layer's as probabilities: a digit's path through the network.
 */
export async function activations(trainer: Trainer, inputs: Float32Array, count: number): Promise<LayerActivation[]> {
  const { tf, network, parameters } = trainer;
  const outputs = tf.tidy(() => {
    const layers = forwardLayers(tf, network, tf.tensor2d(inputs, [count, IMAGE_BYTES]), [...parameters]);
    return [...layers.slice(0, -1), tf.softmax(layers.at(-1)!)];
  });
  const values = await Promise.all(outputs.map(read));
  return network.layers.map((layer, i) => ({ layer: layer.index, label: layer.label, shape: [...outputs[i]!.shape], values: values[i]! }));
}

/** Where a layer's kernel sits among the parameters; throws naming the layer when it has none. */
function kernelIndex(trainer: Trainer, layer: number): number {
  const { network } = trainer;
  const at = network.layers.findIndex((l) => l.index === layer);
  if (at < 0) throw new Error(`there is no layer ${layer}; the layers are numbered 0 to ${network.layers.length - 1}`);
  const k = network.kernelAt[at] ?? -1;
  if (k < 0) throw new Error(`layer ${layer} (${network.layers[at]!.label}) has no weights`);
  return k;
}

/**
 * A dense or conv2d layer's kernel and bias, by position in the spec's
 * layers (the output layer is at `layers.length`). For the first dense
 * layer on the images, column j of the kernel is unit j's 28 × 28 template.
 */
export async function layerWeights(trainer: Trainer, layer: number): Promise<LayerWeights> {
  const k = kernelIndex(trainer, layer);
  const kernel = trainer.parameters[k]!;
  const bias = trainer.parameters[k + 1]!;
  const [kv, bv] = (await Promise.all([kernel.data(), bias.data()])) as Float32Array[];
  return { kernel: { shape: [...kernel.shape], values: kv! }, bias: { shape: [...bias.shape], values: bv! } };
}

/**
 * The incoming weights of a few units of a dense layer on the images, as a
 * 784 × `units.length` kernel of its own (row-major, pixel by pixel, as
 * interpret.ts's `templates` reads one), gathered on the device so that only
 * they come back, not the whole kernel.
 */
export function kernelColumns(trainer: Trainer, layer: number, units: readonly number[]): Promise<Float32Array> {
  const { tf } = trainer;
  const kernel = trainer.parameters[kernelIndex(trainer, layer)]!;
  if (kernel.rank !== 2 || kernel.shape[0] !== IMAGE_BYTES) throw new Error(`layer ${layer} is not a dense layer on the 784 pixels`);
  return read(tf.tidy(() => tf.gather(kernel, tf.tensor1d(Int32Array.from(units), 'int32'), 1)));
}
