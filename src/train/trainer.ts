/**
 * The lecture's network and its training step, in TensorFlow.js ops.
 *
 *   input 784 values in [0, 1] → Dense 512, ReLU → Dense 10, softmax
 *   loss: categorical cross-entropy on one-hot labels
 *   optimizer: RMSprop, lr 0.001, rho 0.9, epsilon 1e-7 (Keras' defaults)
 *   weights: Glorot-uniform kernels and zero biases (Keras' defaults)
 *
 * This is the Keras program's mathematics written out, rather than
 * `tf.layers` and `model.fit`, so that the hot loop does only what it must:
 * the data is uploaded to the device once per shard, each batch is gathered
 * there by index, both layers are fused matMul + bias (+ ReLU) kernels, the
 * gradients are the five products of backprop.ts (automatic differentiation
 * would add a sixth, the gradient with respect to the images), RMSprop runs
 * as fused kernels where the backend has them (rmsprop.ts), and nothing is read back to the CPU inside
 * a step. Loss and accuracy come back as tensors for the caller to read, a
 * few steps at a time.
 *
 * The module has no DOM: it takes the `tf` namespace as an argument and runs
 * in a Web Worker in the browser and under Node in the tests. It needs no
 * registered gradients.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { CLASSES, IMAGE_BYTES } from '../mnist/format.ts';
import type { TrainingConfig } from './config.ts';
import { confusionMatrix } from './metrics.ts';
import { EpochSampler, type SamplerState } from './sampler.ts';
import { forward, lossAndGradients, prefersExplicitTranspose, type Parameters } from './backprop.ts';
import { Rmsprop, type FusedUpdate } from './rmsprop.ts';

type TF = typeof tfc;
type Weights = Record<'w1' | 'b1' | 'w2' | 'b2', tfc.Variable>;
const ORDER = ['w1', 'b1', 'w2', 'b2'] as const;
const parameters = (vars: Weights): Parameters => vars as unknown as Parameters;

/** What one training step leaves behind, still on the device. */
export interface StepTensors {
  /** Mean cross-entropy of the batch. */
  loss: tfc.Scalar;
  /** How many examples of the batch were classified correctly. */
  correct: tfc.Scalar;
  size: number;
}

export interface Evaluation {
  accuracy: number;
  loss: number;
  /** Rows: true digit; columns: predicted digit. */
  confusion: number[][];
  predictions: Int32Array;
}

/** Weights, optimizer state and sampler position, in CPU memory: enough to carry on elsewhere. */
export interface Snapshot {
  step: number;
  tensors: { name: string; shape: number[]; values: Float32Array }[];
  sampler: SamplerState;
}

const EVAL_CHUNK = 1000;

export class Trainer {
  readonly tf: TF;
  readonly config: TrainingConfig;
  readonly sampler: EpochSampler;
  /** Optimizer steps taken. */
  step = 0;

  #vars: Weights | undefined;
  /** RMSprop and its running means, laid out for the backend (rmsprop.ts). */
  #optimizer: Rmsprop | undefined;
  #x: tfc.Tensor2D | undefined;
  #y: tfc.Tensor2D | undefined;
  #xTest: tfc.Tensor2D | undefined;
  #yTest: tfc.Tensor2D | undefined;
  #testLabels: Uint8Array = new Uint8Array(0);
  #testImages: Uint8Array = new Uint8Array(0);
  /** Host copies of the data, to upload again on another backend. */
  #host: { labels: Uint8Array[]; images: Uint8Array[] } = { labels: [], images: [] };

  /** A backend's own kernels for the RMSprop update, by backend name (the worker gives WebGPU's). */
  readonly #fusedUpdates: Partial<Record<string, FusedUpdate>>;

  constructor(tf: TF, config: TrainingConfig, options: { fusedUpdates?: Partial<Record<string, FusedUpdate>> } = {}) {
    this.tf = tf;
    this.config = config;
    this.#fusedUpdates = options.fusedUpdates ?? {};
    this.sampler = new EpochSampler(config.trainSize, config.seed);
  }

  /** Examples per epoch and steps per epoch. */
  get stepsPerEpoch(): number {
    return Math.ceil(this.config.trainSize / this.config.batchSize);
  }

  get hasTestData(): boolean {
    return this.#xTest !== undefined;
  }

  get trainingExamples(): number {
    return this.#x?.shape[0] ?? 0;
  }

  /** Creates fresh weights (Keras' initialisers, seeded) and optimizer state. */
  init(): void {
    const { tf, config } = this;
    this.#disposeModel();
    const glorot = (fanIn: number, fanOut: number, seed: number) => {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform([fanIn, fanOut], -limit, limit, 'float32', seed);
    };
    // tf.variable keeps its initial tensor alive; tidy frees it (and never frees variables).
    this.#vars = tf.tidy(() => ({
      w1: tf.variable(glorot(IMAGE_BYTES, config.hidden, config.seed)),
      b1: tf.variable(tf.zeros([config.hidden])),
      w2: tf.variable(glorot(config.hidden, CLASSES, config.seed + 1)),
      b2: tf.variable(tf.zeros([CLASSES])),
    }));
    this.#optimizer = this.#makeOptimizer(this.#vars);
    this.step = 0;
  }

  /** Adds verified training examples (labels 0–9, images 784 bytes each) and uploads them once. */
  addTrainingData(labels: Uint8Array, images: Uint8Array): number {
    const room = this.config.trainSize - this.trainingExamples;
    const count = Math.min(room, labels.length);
    if (count <= 0) return 0;
    const l = labels.subarray(0, count);
    const i = images.subarray(0, count * IMAGE_BYTES);
    this.#host.labels.push(l);
    this.#host.images.push(i);
    this.#upload(l, i);
    this.sampler.add(count);
    return count;
  }

  /** Sets the examples evaluated after each epoch. */
  setTestData(labels: Uint8Array, images: Uint8Array): void {
    const count = Math.min(this.config.testSize, labels.length);
    this.#testLabels = labels.slice(0, count);
    this.#testImages = images.subarray(0, count * IMAGE_BYTES);
    this.#xTest?.dispose();
    this.#yTest?.dispose();
    this.#xTest = this.#images(images.subarray(0, count * IMAGE_BYTES), count);
    this.#yTest = this.#oneHot(this.#testLabels);
  }

  /**
   * One optimizer step on the next batch, queued on the device. Returns null
   * when the next batch's data has not arrived yet, and an empty result's
   * `size` of 0 when the epoch is over.
   */
  trainBatch(): StepTensors | null {
    const { tf } = this;
    const vars = this.#vars;
    const optimizer = this.#optimizer;
    if (!vars || !optimizer || !this.#x || !this.#y) throw new Error('the trainer has no weights or no data yet');
    const indices = this.sampler.next(this.config.batchSize);
    if (indices === null) return null;
    if (indices.length === 0) return { loss: tf.scalar(0), correct: tf.scalar(0), size: 0 };
    const X = this.#x;
    const Y = this.#y;
    const explicitTranspose = prefersExplicitTranspose(tf.getBackend());
    const result = tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const x = tf.gather(X, idx) as tfc.Tensor2D;
      const y = tf.gather(Y, idx) as tfc.Tensor2D;
      const { loss, logits, grads } = lossAndGradients(tf, x, y, parameters(vars), { explicitTranspose });
      optimizer.apply(ORDER.map((name) => grads[name]));
      const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(y, 1)), 'float32'));
      return { loss, correct: correct as tfc.Scalar };
    });
    this.step += 1;
    return { ...result, size: indices.length };
  }

  /** Accuracy, loss and confusion matrix on the test examples. */
  async evaluate(): Promise<Evaluation> {
    const { tf } = this;
    const vars = this.#vars;
    if (!vars || !this.#xTest || !this.#yTest) throw new Error('the trainer has no weights or no test data yet');
    const n = this.#xTest.shape[0];
    const parts: tfc.Tensor1D[] = [];
    let lossSum = tf.scalar(0);
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const [predicted, loss] = tf.tidy(() => {
        const x = tf.slice(this.#xTest!, [start, 0], [size, IMAGE_BYTES]);
        const y = tf.slice(this.#yTest!, [start, 0], [size, CLASSES]);
        const logits = this.#forward(x, vars);
        return [tf.argMax(logits, 1) as tfc.Tensor1D, tf.add(lossSum, tf.mul(tf.losses.softmaxCrossEntropy(y, logits), size)) as tfc.Scalar];
      });
      parts.push(predicted);
      lossSum.dispose();
      lossSum = loss;
    }
    const all = tf.concat(parts);
    parts.forEach((p) => p.dispose());
    let predictions: Int32Array;
    let lossTotal: Float32Array;
    try {
      [predictions, lossTotal] = (await Promise.all([all.data(), lossSum.data()])) as [Int32Array, Float32Array];
    } finally {
      all.dispose();
      lossSum.dispose();
    }
    const confusion = confusionMatrix(this.#testLabels, predictions);
    const right = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
    return { accuracy: right / n, loss: lossTotal[0]! / n, confusion, predictions: Int32Array.from(predictions) };
  }

  /** Class probabilities for `count` inputs of 784 values in [0, 1]. */
  async predict(inputs: Float32Array, count: number): Promise<Float32Array> {
    const { tf } = this;
    const vars = this.#vars;
    if (!vars) throw new Error('the trainer has no weights yet');
    const probabilities = tf.tidy(() => tf.softmax(this.#forward(tf.tensor2d(inputs, [count, IMAGE_BYTES]), vars)));
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    return values;
  }

  /** Probabilities for test examples by index (for the grid of test digits). */
  async predictTest(indices: number[]): Promise<Float32Array> {
    const { tf } = this;
    const vars = this.#vars;
    if (!vars || !this.#xTest) throw new Error('the trainer has no weights or no test data yet');
    const probabilities = tf.tidy(() => tf.softmax(this.#forward(tf.gather(this.#xTest!, tf.tensor1d(indices, 'int32')), vars)));
    const values = (await probabilities.data()) as Float32Array;
    probabilities.dispose();
    return values;
  }

  /** Copies weights, optimizer state and sampler position to CPU memory. */
  async snapshot(): Promise<Snapshot> {
    const vars = this.#vars;
    const optimizer = this.#optimizer;
    if (!vars || !optimizer) throw new Error('the trainer has no weights yet');
    const sampler = this.sampler.save();
    const step = this.step;
    const [weights, ms] = await Promise.all([
      Promise.all(ORDER.map(async (name) => ({ name, shape: [...vars[name].shape], values: (await vars[name].data()) as Float32Array }))),
      optimizer.save(),
    ]);
    return { step, tensors: [...weights, { name: 'ms', shape: [ms.length], values: ms }], sampler };
  }

  /**
   * Rebuilds everything on the current backend from a snapshot: weights,
   * optimizer state, sampler, and the data from the host copies. Used after
   * switching backends, when the old backend's tensors are gone.
   */
  restore(snapshot: Snapshot): void {
    const { tf } = this;
    this.#disposeAll(false);
    const get = (name: string) => {
      const t = snapshot.tensors.find((s) => s.name === name)!;
      return tf.tensor(t.values, t.shape);
    };
    this.#vars = tf.tidy(() => ({ w1: tf.variable(get('w1')), b1: tf.variable(get('b1')), w2: tf.variable(get('w2')), b2: tf.variable(get('b2')) }));
    this.#optimizer = this.#makeOptimizer(this.#vars, snapshot.tensors.find((t) => t.name === 'ms')?.values);
    this.#host.labels.forEach((labels, i) => this.#upload(labels, this.#host.images[i]!));
    if (this.#testLabels.length > 0) this.setTestData(this.#testLabels, this.#testImages);
    this.sampler.restore(snapshot.sampler);
    this.step = snapshot.step;
  }

  /** Makes the weights NaN, to test how a run recovers from a diverged loss (?fault=nan@N). */
  poisonForTesting(): void {
    this.#vars?.w2.assign(this.tf.fill(this.#vars.w2.shape, Number.NaN));
  }

  /** Releases every tensor this trainer made. */
  dispose(): void {
    this.#disposeAll(true);
  }

  #forward(x: tfc.Tensor2D, vars: Weights): tfc.Tensor2D {
    return forward(this.tf, x, parameters(vars));
  }

  #upload(labels: Uint8Array, images: Uint8Array): void {
    const { tf } = this;
    const x = this.#images(images, labels.length);
    const y = this.#oneHot(labels);
    if (this.#x && this.#y) {
      const [oldX, oldY] = [this.#x, this.#y];
      this.#x = tf.concat([oldX, x]);
      this.#y = tf.concat([oldY, y]);
      [oldX, oldY, x, y].forEach((t) => t.dispose());
    } else {
      this.#x = x;
      this.#y = y;
    }
  }

  /** Pixels 0–255 to float32 in [0, 1], scaled on the device. */
  #images(bytes: Uint8Array, count: number): tfc.Tensor2D {
    const { tf } = this;
    return tf.tidy(() => tf.div(tf.cast(tf.tensor2d(Int32Array.from(bytes), [count, IMAGE_BYTES], 'int32'), 'float32'), 255));
  }

  #oneHot(labels: Uint8Array): tfc.Tensor2D {
    const { tf } = this;
    return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), CLASSES), 'float32') as tfc.Tensor2D);
  }

  #makeOptimizer(vars: Weights, saved?: Float32Array): Rmsprop {
    const { tf, config } = this;
    return new Rmsprop(tf, ORDER.map((name) => vars[name]), config, this.#fusedUpdates[tf.getBackend()], saved);
  }

  #disposeModel(): void {
    if (this.#vars) Object.values(this.#vars).forEach((v) => v.dispose());
    this.#optimizer?.dispose();
    this.#vars = undefined;
    this.#optimizer = undefined;
  }

  #disposeAll(forgetHost: boolean): void {
    this.#disposeModel();
    for (const t of [this.#x, this.#y, this.#xTest, this.#yTest]) t?.dispose();
    this.#x = this.#y = this.#xTest = this.#yTest = undefined;
    if (forgetHost) {
      this.#host = { labels: [], images: [] };
      this.#testLabels = new Uint8Array(0);
      this.#testImages = new Uint8Array(0);
    }
  }
}
