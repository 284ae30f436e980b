/**
 * The live slide's training worker: TensorFlow.js, the data and the training
 * loop, off the page's main thread so that slides and charts stay smooth.
 * The page talks to it with the messages of protocol.ts.
 *
 * This file is the only place that imports TensorFlow.js and its backends;
 * the page creates the worker when the live slide is first reached, so no
 * other slide ever downloads them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { IMAGE_BYTES } from '../mnist/format.ts';
import { MnistError, MnistLoader } from '../mnist/loader.ts';
import { backendLabel, selectBackend } from './backends.ts';
import type { BackendName, TrainingConfig } from './config.ts';
import { runTraining, TrainingFault, type BatchReport, type EpochReport } from './loop.ts';
import { Throughput } from './metrics.ts';
import { trainStock } from './stock.ts';
import type { FaultSpec, FromWorker, ToWorker, TrainerState } from './protocol.ts';
import { Trainer, type Snapshot } from './trainer.ts';
import { webgpuRmspropUpdate } from './rmsprop-webgpu.ts';

const scope = globalThis as unknown as { postMessage(message: FromWorker, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

/** Thrown into a run that a reset has ended. */
class Stopped extends Error {}

interface Stored {
  labels: Uint8Array;
  images: Uint8Array;
}

class Session {
  readonly config: TrainingConfig;
  readonly loader: MnistLoader;
  readonly testIndices: number[];
  readonly fault: FaultSpec | undefined;
  readonly skip = new Set<BackendName>();
  backend: BackendName = 'cpu';
  state: TrainerState = 'idle';
  trainer: Trainer | undefined;
  seed: number;

  /** Data already verified, kept across resets. */
  train: Stored[] = [];
  trainCount = 0;
  test: Stored | undefined;
  #loading: Promise<void> | undefined;
  #arrival: (() => void)[] = [];

  #run = 0;
  #paused = false;
  #resume: (() => void)[] = [];
  #snapshot: Snapshot | undefined;
  #faultDone = false;
  #throughput = new Throughput();
  #examples = 0;
  #lastGrid = 0;
  #gridBusy = false;
  #sentGridImages = false;

  constructor(message: Extract<ToWorker, { type: 'init' }>) {
    this.config = message.config;
    this.seed = message.config.seed;
    this.testIndices = message.testIndices;
    this.fault = message.fault;
    this.loader = new MnistLoader({
      manifestUrl: message.manifestUrl,
      onProgress: (p) => post({ type: 'data', ...p }),
    });
    setWasmPaths(message.wasmPaths);
  }

  /** Settles when the backend is chosen and the first weights exist. */
  ready: Promise<void> = Promise.resolve();

  async start(): Promise<void> {
    const { backend, notes } = await selectBackend(tf, this.config.backends, this.skip);
    this.backend = backend;
    post({ type: 'backend', backend, notes });
    this.#newTrainer();
  }

  setState(state: TrainerState): void {
    this.state = state;
    post({ type: 'state', state });
  }

  /** Start (or, after a data error, try again). */
  begin(): void {
    if (this.state !== 'idle' && this.state !== 'error') return;
    const run = ++this.#run;
    this.setState('loading');
    // A start pressed while the backend is still being chosen waits for it.
    void this.ready.then(() => this.#train(run)).catch((error: unknown) => {
      if (error instanceof Stopped || run !== this.#run) return;
      this.setState('error');
      const data = error instanceof MnistError;
      post({ type: 'error', message: (error as Error).message ?? String(error), retry: data ? 'start' : 'reset' });
    });
  }

  pause(): void {
    if (this.state !== 'training' && this.state !== 'loading') return;
    this.#paused = true;
    this.setState('paused');
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.#paused = false;
    this.setState(this.trainer && this.trainer.trainingExamples > 0 ? 'training' : 'loading');
    this.#resume.splice(0).forEach((r) => r());
  }

  reset(): void {
    this.#run += 1;
    this.#paused = false;
    this.#resume.splice(0).forEach((r) => r());
    this.#arrival.splice(0).forEach((r) => r());
    this.seed += 1;
    this.#newTrainer();
    this.setState('idle');
  }

  async predict(id: number, input: Float32Array): Promise<void> {
    if (!this.trainer) return;
    const probabilities = await this.trainer.predict(input, 1);
    post({ type: 'prediction', id, probabilities }, [probabilities.buffer]);
  }

  #newTrainer(): void {
    this.trainer?.dispose();
    this.#snapshot = undefined;
    this.#faultDone = false;
    this.#throughput.reset();
    this.#examples = 0;
    this.trainer = new Trainer(tf, { ...this.config, seed: this.seed }, { fusedUpdates: { webgpu: webgpuRmspropUpdate } });
    this.trainer.init();
    post({ type: 'tensors', count: tf.memory().numTensors });
  }

  #check(run: number): void {
    if (run !== this.#run) throw new Stopped();
  }

  async #train(run: number): Promise<void> {
    const trainer = this.trainer!;
    void this.#load().catch(() => {
      // Reported by whoever waits for the data.
    });
    // Feed what is already here, then each shard as it arrives.
    let fed = 0;
    const feed = () => {
      for (; fed < this.train.length; fed++) trainer.addTrainingData(this.train[fed]!.labels, this.train[fed]!.images);
      if (this.test && !trainer.hasTestData) trainer.setTestData(this.test.labels, this.test.images);
    };
    while (this.train.length === 0) {
      await this.#waitForData(run);
    }
    if (this.config.loop === 'stock') {
      // The benchmark's baseline: tf.layers and model.fit on all the training data at once.
      while (this.trainCount < this.config.trainSize) await this.#waitForData(run);
      this.setState('training');
      const labels = new Uint8Array(this.trainCount);
      const images = new Uint8Array(this.trainCount * IMAGE_BYTES);
      let at = 0;
      for (const shard of this.train) {
        labels.set(shard.labels, at);
        images.set(shard.images, at * IMAGE_BYTES);
        at += shard.labels.length;
      }
      await trainStock(tf, this.config, { labels, images }, (batches) => this.#onBatches(run, trainer, batches), () => run !== this.#run);
      this.#check(run);
      this.setState('done');
      return;
    }
    feed();
    this.#check(run);
    this.#snapshot = await trainer.snapshot();
    if (!this.#paused) this.setState('training');

    for (;;) {
      try {
        await runTraining(trainer, {
          onBatches: (batches) => this.#onBatches(run, trainer, batches),
          onEpoch: (report) => this.#onEpoch(run, trainer, report),
          proceed: async () => {
            this.#check(run);
            while (this.#paused) {
              await new Promise<void>((resolve) => this.#resume.push(resolve));
              this.#check(run);
            }
          },
          dataArrived: async () => {
            const before = fed;
            feed();
            if (fed > before) return;
            await this.#waitForData(run);
            feed();
          },
          testDataReady: async () => {
            feed();
            while (!trainer.hasTestData) {
              await this.#waitForData(run);
              feed();
            }
          },
        });
        this.#check(run);
        await this.#sendGrid(trainer);
        this.setState('done');
        post({ type: 'tensors', count: tf.memory().numTensors });
        return;
      } catch (error) {
        this.#check(run);
        if (!(error instanceof TrainingFault)) throw error;
        await this.#fallback(trainer, error);
      }
    }
  }

  /** Continues on the next backend from the last good weights. */
  async #fallback(trainer: Trainer, fault: TrainingFault): Promise<void> {
    const failed = this.backend;
    const failedAt = trainer.step;
    this.skip.add(failed);
    const snapshot = this.#snapshot!;
    const { backend, notes } = await selectBackend(tf, this.config.backends, this.skip);
    this.backend = backend;
    try {
      tf.removeBackend(failed);
    } catch {
      // It may already be gone with its device.
    }
    trainer.restore(snapshot);
    const what = fault.kind === 'nan' ? 'the loss stopped being a number' : 'the device failed';
    post({
      type: 'notice',
      message: `${backendLabel(failed)} stopped at step ${failedAt}: ${what} (${fault.message}). Training goes on with ${backendLabel(backend)} from step ${snapshot.step}, the last good weights.`,
    });
    post({ type: 'backend', backend, notes });
    post({ type: 'tensors', count: tf.memory().numTensors });
  }

  #onBatches(run: number, trainer: Trainer, batches: BatchReport[]): void {
    if (run !== this.#run) return;
    const now = performance.now();
    if (this.#examples === 0) this.#throughput.add(now, 0);
    this.#examples += batches.reduce((n, b) => n + b.size, 0);
    this.#throughput.add(now, this.#examples);
    post({ type: 'batches', batches, examplesPerSecond: this.#throughput.perSecond() });
    const last = batches.at(-1)!;
    if (this.fault && !this.#faultDone && last.step >= this.fault.atStep) {
      this.#faultDone = true;
      this.#inject(this.fault);
    }
    if (last.step % 200 < batches.length) void this.#takeSnapshot(trainer);
    if (now - this.#lastGrid > 1500) void this.#sendGrid(trainer);
  }

  async #onEpoch(run: number, trainer: Trainer, report: EpochReport): Promise<void> {
    this.#check(run);
    post({ type: 'epoch', epoch: report.epoch, accuracy: report.accuracy, loss: report.loss, confusion: report.confusion });
    await this.#takeSnapshot(trainer);
    await this.#sendGrid(trainer);
    post({ type: 'tensors', count: tf.memory().numTensors });
  }

  async #takeSnapshot(trainer: Trainer): Promise<void> {
    try {
      const snapshot = await trainer.snapshot();
      if (snapshot.tensors.every((t) => t.values.every(Number.isFinite))) this.#snapshot = snapshot;
    } catch {
      // A failing device is caught by the loop; keep the last good snapshot.
    }
  }

  /** Predictions for the fixed grid of test digits. */
  async #sendGrid(trainer: Trainer): Promise<void> {
    if (this.#gridBusy || !this.test) return;
    // The test images may have arrived since the last batch.
    if (!trainer.hasTestData) trainer.setTestData(this.test.labels, this.test.images);
    this.#gridBusy = true;
    this.#lastGrid = performance.now();
    try {
      const indices = this.testIndices.filter((i) => i < Math.min(this.test!.labels.length, trainer.config.testSize));
      const probabilities = await trainer.predictTest(indices);
      const predicted: number[] = [];
      const confidence: number[] = [];
      indices.forEach((_, k) => {
        const p = probabilities.subarray(k * 10, k * 10 + 10);
        let best = 0;
        for (let c = 1; c < 10; c++) if (p[c]! > p[best]!) best = c;
        predicted.push(best);
        confidence.push(p[best]!);
      });
      const images = new Uint8Array(this.#sentGridImages ? 0 : indices.length * IMAGE_BYTES);
      if (!this.#sentGridImages) indices.forEach((t, k) => images.set(this.test!.images.subarray(t * IMAGE_BYTES, (t + 1) * IMAGE_BYTES), k * IMAGE_BYTES));
      this.#sentGridImages = true;
      post({ type: 'test-predictions', indices, labels: indices.map((t) => this.test!.labels[t]!), predicted, confidence, images }, [images.buffer]);
    } catch {
      // The grid is decoration; the loop reports real failures.
    } finally {
      this.#gridBusy = false;
    }
  }

  #inject(fault: FaultSpec): void {
    if (fault.kind === 'nan') {
      this.trainer?.poisonForTesting();
      return;
    }
    const backend = tf.backend() as { device?: { destroy(): void } };
    if (backend.device) backend.device.destroy();
    else throw new TrainingFault('device', `a simulated loss of the ${backendLabel(this.backend)} device`);
  }

  /** Loads the training shards (as many as train-size needs), then the test shards. */
  #load(): Promise<void> {
    this.#loading ??= (async () => {
      try {
        if (this.trainCount < this.config.trainSize) {
          for await (const shard of this.loader.shards('train')) {
            if (shard.offset < this.trainCount) continue;
            this.train.push({ labels: shard.labels, images: shard.images });
            this.trainCount += shard.count;
            this.#arrival.splice(0).forEach((r) => r());
            if (this.trainCount >= this.config.trainSize) break;
          }
        }
        if (!this.test) {
          const need = Math.min(this.config.testSize, 10000);
          const labels = new Uint8Array(need);
          const images = new Uint8Array(need * IMAGE_BYTES);
          let have = 0;
          for await (const shard of this.loader.shards('test')) {
            const take = Math.min(shard.count, need - shard.offset);
            labels.set(shard.labels.subarray(0, take), shard.offset);
            images.set(shard.images.subarray(0, take * IMAGE_BYTES), shard.offset * IMAGE_BYTES);
            have = shard.offset + take;
            if (have >= need) break;
          }
          this.test = { labels: labels.subarray(0, have), images: images.subarray(0, have * IMAGE_BYTES) };
          this.#arrival.splice(0).forEach((r) => r());
          // Show the test digits (with the current guesses) as soon as they are here.
          if (this.trainer && this.state !== 'idle') void this.#sendGrid(this.trainer);
        }
      } catch (error) {
        this.#loadError = error;
        this.#arrival.splice(0).forEach((r) => r());
        throw error;
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }
  #loadError: unknown;

  async #waitForData(run: number): Promise<void> {
    this.#check(run);
    if (this.#loadError) {
      const error = this.#loadError;
      this.#loadError = undefined;
      throw error;
    }
    await new Promise<void>((resolve) => this.#arrival.push(resolve));
    this.#check(run);
    if (this.#loadError) {
      const error = this.#loadError;
      this.#loadError = undefined;
      throw error;
    }
  }
}

let session: Session | undefined;

scope.onmessage = (event) => {
  const message = event.data;
  const fail = (error: unknown) => {
    session?.setState('error');
    post({ type: 'error', message: (error as Error).message ?? String(error), retry: 'reload' });
  };
  try {
    switch (message.type) {
      case 'init':
        session = new Session(message);
        session.ready = session.start();
        session.ready.catch(fail);
        break;
      case 'start':
        session?.begin();
        break;
      case 'pause':
        session?.pause();
        break;
      case 'resume':
        session?.resume();
        break;
      case 'reset':
        session?.reset();
        break;
      case 'predict':
        void session?.predict(message.id, message.input).catch(fail);
        break;
    }
  } catch (error) {
    fail(error);
  }
};
