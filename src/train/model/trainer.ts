/**
 * Training any model of spec.ts, in TensorFlow.js ops, for the worker and
 * the Node tests alike. The lecture's network, for example:
 *
 *   input 784 values in [0, 1] → Dense 512, ReLU → Dense 10, softmax
 *   loss: categorical cross-entropy on one-hot labels
 *   optimizer: RMSprop, lr 0.001, rho 0.9, epsilon 1e-7 (Keras' defaults)
 *   weights: Glorot-uniform kernels and zero biases (Keras' defaults)
 *
 * This is the Keras program's mathematics written out, rather than
 * `tf.layers` and `model.fit`, so that the hot loop does only what it must:
 * the data is uploaded to the device once per shard, each batch is gathered
 * there by index, layers are fused kernels (matMul or convolution with bias
 * and activation), the gradients are derived by hand (backprop.ts: no
 * gradient with respect to the images, and each backend's fastest form),
 * the run's optimizer updates the weights in place (optimizers.ts; RMSprop
 * as fused kernels where the backend has them, rmsprop.ts), and nothing is
 * read back to the CPU inside a step. Loss and accuracy come back
 * as tensors for the caller to read, a few steps at a time.
 *
 * The module has no DOM: it takes the `tf` namespace as an argument and runs
 * in a Web Worker in the browser and under Node in the tests. It needs no
 * registered gradients.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { CLASSES, IMAGE_BYTES } from '../../mnist/format.ts';
import type { TrainingConfig } from './config.ts';
import { DeviceData } from './device-data.ts';
import { confusionMatrix } from './metrics.ts';
import { EpochSampler, type SamplerState } from './sampler.ts';
import { backpropOptions, compile, forward, lossAndGradients, type Network } from './backprop.ts';
import { createOptimizer, type Optimizer } from './optimizers.ts';
import type { FusedUpdate } from './rmsprop.ts';
import { stepsPerEpoch } from './spec.ts';
import { validateRun, type ResolvedLayer } from './spec-check.ts';

type TF = typeof tfc;

/** What one training step leaves behind, still on the device. */
export interface StepTensors {
  /** Mean cross-entropy of the batch. */
  loss: tfc.Scalar;
  /** How many examples of the batch were classified correctly. */
  correct: tfc.Scalar;
  size: number;
}

/** How the model does on the test examples. */
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
  /** The parameters by name ("w1", "b1", …, see `Trainer.parameters`), then "optimizer": its state as one vector. */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
  sampler: SamplerState;
}

/** Test examples per evaluation chunk, at most: bounded by memory for the widest layer (about 32 MB of activations). */
const EVAL_CHUNK = 1000;
const EVAL_FLOATS = 8_000_000;

/** Trains one run (config) on the current backend; rebuilds itself from a snapshot on another. */
export class Trainer {
  readonly tf: TF;
  readonly config: TrainingConfig;
  readonly sampler: EpochSampler;
  /** The model's layers with their shapes, and the names and shapes of its parameters. */
  readonly network: Network;
  /** Optimizer steps taken. */
  step = 0;

  /** Kernel and bias of each weighted layer, in `network.parameters` order. */
  #vars: tfc.Variable[] | undefined;
  /** The optimizer and its state, laid out for the backend (optimizers.ts). */
  #optimizer: Optimizer | undefined;
  /** The run's examples on the device, with host copies for another backend. */
  readonly #data: DeviceData;

  /** A backend's own kernels for the RMSprop update, by backend name (the worker gives WebGPU's). */
  readonly #fusedUpdates: Partial<Record<string, FusedUpdate>>;

  /** @throws when the run is not valid, with every problem named. */
  constructor(tf: TF, config: TrainingConfig, options: { fusedUpdates?: Partial<Record<string, FusedUpdate>> } = {}) {
    const problems = validateRun(config);
    if (problems.length > 0) throw new Error(`the run is not valid: ${problems.join('; ')}`);
    this.tf = tf;
    this.config = config;
    this.network = compile(config.model);
    this.#fusedUpdates = options.fusedUpdates ?? {};
    this.sampler = new EpochSampler(config.trainSize, config.seed);
    this.#data = new DeviceData(tf, config.trainSize, config.testSize);
  }

  /** Steps per epoch. */
  get stepsPerEpoch(): number {
    return stepsPerEpoch(this.config);
  }

  get hasTestData(): boolean {
    return this.#data.xTest !== undefined;
  }

  get trainingExamples(): number {
    return this.#data.count;
  }

  /** The weights (kernel and bias of each weighted layer, in `network.parameters` order), for read-only use by inference. */
  get parameters(): readonly tfc.Tensor[] {
    if (!this.#vars) throw new Error('the trainer has no weights yet');
    return this.#vars;
  }

  /** The test images on the device (784 values in [0, 1] each), once set. */
  get testInputs(): tfc.Tensor2D | undefined {
    return this.#data.xTest;
  }

  /** The model's layers (the spec's, then the output layer), with their shapes and labels. */
  get layers(): readonly ResolvedLayer[] {
    return this.network.layers;
  }

  /** Creates fresh weights (Keras' initialisers, seeded) and optimizer state. */
  init(): void {
    const { tf, config } = this;
    this.#disposeModel();
    // tf.variable keeps its initial tensor alive; tidy frees it (and never frees variables).
    this.#vars = tf.tidy(() =>
      this.network.parameters.map(({ shape }, i) => {
        if (i % 2 === 1) return tf.variable(tf.zeros(shape));
        // Glorot uniform, as Keras: fans count the receptive field (k × k) of a convolution.
        const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
        const limit = Math.sqrt(6 / (receptive * (shape.at(-2)! + shape.at(-1)!)));
        return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', config.seed + i / 2));
      }),
    );
    this.#optimizer = this.#makeOptimizer(this.#vars);
    this.step = 0;
  }

  /** Adds verified training examples (labels 0–9, images 784 bytes each) and uploads them once. */
  addTrainingData(labels: Uint8Array, images: Uint8Array): number {
    const count = this.#data.add(labels, images);
    if (count > 0) this.sampler.add(count);
    return count;
  }

  /** Sets the examples evaluated after each epoch. */
  setTestData(labels: Uint8Array, images: Uint8Array): void {
    this.#data.setTest(labels, images);
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
    const { x: X, y: Y } = this.#data;
    if (!vars || !optimizer || !X || !Y) throw new Error('the trainer has no weights or no data yet');
    const indices = this.sampler.next(this.config.batchSize);
    if (indices === null) return null;
    if (indices.length === 0) return { loss: tf.scalar(0), correct: tf.scalar(0), size: 0 };
    const options = backpropOptions(tf.getBackend());
    const result = tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const x = tf.gather(X, idx) as tfc.Tensor2D;
      const y = tf.gather(Y, idx) as tfc.Tensor2D;
      const { loss, logits, grads } = lossAndGradients(tf, this.network, x, y, vars, options);
      optimizer.apply(grads);
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
    const { xTest, yTest } = this.#data;
    if (!vars || !xTest || !yTest) throw new Error('the trainer has no weights or no test data yet');
    const n = xTest.shape[0];
    const chunk = this.#chunk();
    const parts: tfc.Tensor1D[] = [];
    let lossSum = tf.scalar(0);
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      const [predicted, loss] = tf.tidy(() => {
        const x = tf.slice(xTest, [start, 0], [size, IMAGE_BYTES]);
        const y = tf.slice(yTest, [start, 0], [size, CLASSES]);
        const logits = forward(tf, this.network, x, vars);
        return [
          tf.argMax(logits, 1) as tfc.Tensor1D,
          tf.add(lossSum, tf.mul(tf.losses.softmaxCrossEntropy(y, logits), size)) as tfc.Scalar,
        ];
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
    const confusion = confusionMatrix(this.#data.testLabels, predictions);
    const right = confusion.reduce((sum, row, i) => sum + row[i]!, 0);
    return { accuracy: right / n, loss: lossTotal[0]! / n, confusion, predictions: Int32Array.from(predictions) };
  }

  /** Copies weights, optimizer state and sampler position to CPU memory. */
  async snapshot(): Promise<Snapshot> {
    const vars = this.#vars;
    const optimizer = this.#optimizer;
    if (!vars || !optimizer) throw new Error('the trainer has no weights yet');
    const sampler = this.sampler.save();
    const step = this.step;
    const [weights, state] = await Promise.all([
      Promise.all(
        this.network.parameters.map(async ({ name }, i) => ({
          name,
          shape: [...vars[i]!.shape],
          values: (await vars[i]!.data()) as Float32Array,
        })),
      ),
      optimizer.save(),
    ]);
    return { step, tensors: [...weights, { name: 'optimizer', shape: [state.length], values: state }], sampler };
  }

  /**
   * Rebuilds everything on the current backend from a snapshot: weights,
   * optimizer state, sampler, and the data from the host copies. Used after
   * switching backends, when the old backend's tensors are gone.
   * @throws when the snapshot is of another model, naming what differs.
   */
  restore(snapshot: Snapshot): void {
    const { tf } = this;
    const saved = this.network.parameters.map(({ name, shape }) => {
      const t = snapshot.tensors.find((s) => s.name === name);
      if (!t) throw new Error(`the snapshot has no ${name}; it is of another model`);
      if (t.shape.join() !== shape.join()) throw new Error(`the snapshot's ${name} is [${t.shape}], and this model's is [${shape}]`);
      return t;
    });
    this.#disposeModel();
    this.#vars = tf.tidy(() => saved.map((t) => tf.variable(tf.tensor(t.values, t.shape))));
    this.#optimizer = this.#makeOptimizer(this.#vars, snapshot.tensors.find((t) => t.name === 'optimizer')?.values);
    this.#data.reupload();
    this.sampler.restore(snapshot.sampler);
    this.step = snapshot.step;
  }

  /** Makes the weights NaN, to test how a run recovers from a diverged loss (?fault=nan@N). */
  poisonForTesting(): void {
    const output = this.#vars?.at(-2);
    if (output) this.tf.tidy(() => output.assign(this.tf.fill(output.shape, Number.NaN)));
  }

  /**
   * Takes another trainer's weights as this one's starting point (fine-tuning),
   * copied on the device; the optimizer's state and the sampler start afresh.
   * @throws when the other trainer's model is not this one's, naming the difference.
   */
  loadWeights(source: Trainer): void {
    const vars = this.#vars;
    if (!vars) throw new Error('the trainer has no weights yet');
    const from = source.parameters;
    this.network.parameters.forEach(({ name, shape }, i) => {
      const other = from[i];
      if (!other || other.shape.join() !== shape.join())
        throw new Error(`the run to start from has another model: its ${name} is [${other?.shape ?? ''}], this one's [${shape}]`);
    });
    this.tf.tidy(() => vars.forEach((v, i) => v.assign(from[i]!)));
  }

  /**
   * Lets the training and test data go, on the device and the host copies,
   * and keeps the weights: a finished run still answers predictions.
   */
  releaseData(): void {
    this.#data.release();
  }

  /** Releases every tensor this trainer made. */
  dispose(): void {
    this.#disposeModel();
    this.#data.release();
  }

  /** Test examples per forward pass: 1,000, or fewer where a layer's activations would be large. */
  #chunk(): number {
    const widest = Math.max(...this.network.layers.map((l) => l.outputShape.reduce((a, b) => a * b, 1)));
    return Math.max(1, Math.min(EVAL_CHUNK, Math.floor(EVAL_FLOATS / widest)));
  }

  #makeOptimizer(vars: tfc.Variable[], saved?: Float32Array): Optimizer {
    const { tf, config } = this;
    return createOptimizer(tf, config.optimizer, config.learningRate, vars, { fused: this.#fusedUpdates[tf.getBackend()], saved });
  }

  #disposeModel(): void {
    this.#vars?.forEach((v) => v.dispose());
    this.#optimizer?.dispose();
    this.#vars = undefined;
    this.#optimizer = undefined;
  }
}
