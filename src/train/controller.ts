/**
 * The training worker's brain, DOM-free so that it runs and is tested under
 * Node: a queue of runs trained one at a time, the data they share, the
 * backend (chosen once, by measurement unless the address forces one), and
 * recovery when a backend fails mid-run. The worker (worker.ts) only turns
 * messages into calls of `handle` and the controller's reports into
 * messages.
 *
 * A run's life: queued → loading (its data arriving) → training ⇄ paused →
 * done, or error. While it trains it reports batches (every few steps),
 * epochs (test accuracy, confusion matrix, and what the request asked for:
 * training accuracy, accuracy on ruler-marked images), predictions for a
 * grid of test digits, and first-layer templates. A finished run keeps its
 * weights (not its data) for predictions and inspections, until a newer run
 * finishes.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { IMAGE_BYTES } from '../mnist/format.ts';
import { markedTestSet, rulerTrainingSet } from '../mnist/ruler.ts';
import { backendLabel, chooseBackend, selectBackend, type GpuInfo } from './backends.ts';
import { BACKENDS, type BackendName, type TrainingConfig } from './config.ts';
import { DataStore, Stopped, type Labelled, type ShardSource } from './data.ts';
import {
  activations as hiddenActivations,
  classTemplates,
  flippedShare,
  perClassAccuracy,
  saliency,
  templates,
  topUnits,
  type DenseParameters,
} from './interpret.ts';
import { runTraining, TrainingFault, type BatchReport, type EpochReport } from './loop.ts';
import { Throughput } from './metrics.ts';
import {
  assertNever,
  type BackendChoice,
  type FaultSpec,
  type FromWorker,
  type Inspection,
  type MarkedEvaluation,
  type RunRequest,
  type ToWorker,
  type TrainerState,
} from './protocol.ts';
import type { FusedUpdate } from './rmsprop.ts';
import { Trainer, type Snapshot } from './trainer.ts';

type TF = typeof tfc;

export interface ControllerEnv {
  tf: TF;
  post(message: FromWorker, transfer?: Transferable[]): void;
  source: ShardSource;
  /** The GPU's names, to pass over emulated ones (the worker reads them; tests say what they like). */
  gpu?: () => Promise<GpuInfo>;
  /** A backend's own kernels for RMSprop (the worker gives WebGPU's). */
  fusedUpdates?: Partial<Record<string, FusedUpdate>>;
  /** Asks WebAssembly for this many threads before it starts, and returns how many it uses once started. */
  threads?: { request(count: number): void; actual(): number };
  /** The stock tf.layers loop, for the benchmark (loaded only when asked). */
  stock?: (
    tf: TF,
    config: TrainingConfig,
    train: Labelled,
    onBatches: (b: BatchReport[]) => void,
    shouldStop: () => boolean,
  ) => Promise<void>;
  now?: () => number;
}

/** Milliseconds a backend may take for its first (warm-up) step before it is too slow to time. */
const WARM_UP_LIMIT = 1500;
/** Milliseconds of timed steps per candidate. */
const TIMING = 400;
/** Milliseconds between two reports of the grid of test digits, or of the templates. */
const REPORT_EVERY = 1500;
/** Training images used to measure the training accuracy at most (the overfitting figure). */
const TRAIN_EVAL_MAX = 5000;

interface Run {
  request: RunRequest;
  state: TrainerState;
  trainer?: Trainer;
  snapshot?: Snapshot;
  faultDone: boolean;
  paused: boolean;
  resumers: (() => void)[];
  cancelled: boolean;
  examples: number;
  throughput: Throughput;
  started: number;
  lastReport: number;
  reporting: boolean;
  /** The training data, stamped with a ruler when the request asks. */
  train?: Labelled[];
  marked?: { labels: Uint8Array; inputs: Float32Array };
  gridImagesSent: boolean;
  lastEpoch?: { testAccuracy: number; trainAccuracy?: number; marked?: MarkedEvaluation };
}

export class RunController {
  readonly #env: ControllerEnv;
  readonly #now: () => number;
  #data: DataStore;
  #order: BackendName[] | 'auto' = 'auto';
  #fault: FaultSpec | undefined;
  #backend: BackendName | undefined;
  #choosing: Promise<void> | undefined;
  readonly #skip = new Set<BackendName>();
  readonly #runs = new Map<string, Run>();
  readonly #queue: Run[] = [];
  #active: Run | undefined;
  /** The newest finished run, whose weights answer predictions. */
  #kept: Run | undefined;

  constructor(env: ControllerEnv) {
    this.#env = env;
    this.#now = env.now ?? (() => performance.now());
    this.#data = new DataStore(env.source);
  }

  /** The backend chosen, once chosen. */
  get backend(): BackendName | undefined {
    return this.#backend;
  }

  /** Applies a message from the page. Every type is handled; a new one is a compile error until it is. */
  handle(message: ToWorker): void {
    switch (message.type) {
      case 'init':
        this.#order = message.backends;
        this.#fault = message.fault;
        if (message.threads !== undefined) this.#env.threads?.request(message.threads);
        return;
      case 'submit':
        this.submit(message.run);
        return;
      case 'pause':
        this.#pause(message.run);
        return;
      case 'resume':
        this.#resume(message.run);
        return;
      case 'cancel':
        this.#cancel(message.run);
        return;
      case 'predict':
        void this.#predict(message.run, message.id, message.input).catch((error: unknown) => this.#fail(undefined, error, 'reload'));
        return;
      case 'inspect':
        void this.#inspect(message.run, message.id, message.input, message.top).catch((error: unknown) =>
          this.#fail(undefined, error, 'reload'),
        );
        return;
      default:
        assertNever(message);
    }
  }

  /** Queues a run; it starts when the runs before it are done. */
  submit(request: RunRequest): void {
    if (this.#runs.has(request.id)) this.#cancel(request.id);
    const run: Run = {
      request,
      state: 'queued',
      faultDone: false,
      paused: false,
      resumers: [],
      cancelled: false,
      examples: 0,
      throughput: new Throughput(),
      started: 0,
      lastReport: 0,
      reporting: false,
      gridImagesSent: false,
    };
    this.#runs.set(request.id, run);
    this.#queue.push(run);
    this.#setState(run, 'queued');
    this.#pump();
  }

  #pump(): void {
    if (this.#active) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.#active = next;
    void this.#train(next)
      .catch((error: unknown) => {
        if (error instanceof Stopped || next.cancelled) return;
        const data = (error as { name?: string }).name === 'MnistError';
        this.#fail(next, error, data ? 'start' : 'reset');
      })
      .finally(() => {
        if (this.#active === next) this.#active = undefined;
        if (next.cancelled) {
          next.trainer?.dispose();
          next.trainer = undefined;
          this.#postTensors();
        }
        this.#pump();
      });
  }

  #setState(run: Run, state: TrainerState): void {
    run.state = state;
    this.#env.post({ type: 'state', run: run.request.id, state });
  }

  #fail(run: Run | undefined, error: unknown, retry: 'start' | 'reset' | 'reload'): void {
    if (run) this.#setState(run, 'error');
    this.#env.post({ type: 'error', run: run?.request.id, message: (error as Error).message ?? String(error), retry });
  }

  #check(run: Run): void {
    if (run.cancelled) throw new Stopped();
  }

  #pause(id: string): void {
    const run = this.#runs.get(id);
    if (!run || (run.state !== 'training' && run.state !== 'loading')) return;
    run.paused = true;
    this.#setState(run, 'paused');
  }

  #resume(id: string): void {
    const run = this.#runs.get(id);
    if (!run || run.state !== 'paused') return;
    run.paused = false;
    this.#setState(run, run.examples > 0 ? 'training' : 'loading');
    run.resumers.splice(0).forEach((r) => r());
  }

  #cancel(id: string): void {
    const run = this.#runs.get(id);
    if (!run) return;
    run.cancelled = true;
    run.paused = false;
    run.resumers.splice(0).forEach((r) => r());
    this.#data.release();
    const queued = this.#queue.indexOf(run);
    if (queued >= 0) this.#queue.splice(queued, 1);
    this.#runs.delete(id);
    if (this.#kept === run) this.#kept = undefined;
    if (this.#active !== run) {
      run.trainer?.dispose();
      run.trainer = undefined;
    }
    this.#env.post({ type: 'state', run: id, state: 'idle' });
    this.#postTensors();
  }

  /** Waits until the store holds `examples` training examples (or all it will get). */
  async #waitForTraining(run: Run, examples: number): Promise<void> {
    while (this.#data.trainCount < examples) {
      this.#data.load(run.request.spec.trainSize, run.request.testSize);
      await this.#data.next(() => run.cancelled);
    }
  }

  async #waitForTest(run: Run): Promise<void> {
    const need = Math.min(run.request.testSize, 10000);
    while ((this.#data.test?.labels.length ?? 0) < need) {
      this.#data.load(run.request.spec.trainSize, run.request.testSize);
      await this.#data.next(() => run.cancelled);
    }
  }

  #config(run: Run): TrainingConfig {
    return {
      ...run.request.spec,
      testSize: run.request.testSize,
      backends: this.#order === 'auto' ? [...BACKENDS] : this.#order,
      loop: run.request.loop ?? 'deck',
    };
  }

  async #train(run: Run): Promise<void> {
    const { request } = run;
    this.#setState(run, 'loading');
    this.#data.load(request.spec.trainSize, request.testSize);
    await this.#waitForTraining(run, 1);
    this.#check(run);
    await this.#ensureBackend(run);
    this.#check(run);
    run.started = this.#now();

    if (request.loop === 'stock') {
      // The benchmark's baseline: tf.layers and model.fit on all the training data at once.
      await this.#waitForTraining(run, request.spec.trainSize);
      this.#setState(run, 'training');
      const train = this.#data.firstTraining(request.spec.trainSize);
      if (!this.#env.stock) throw new Error('the stock loop is not available here');
      await this.#env.stock(
        this.#env.tf,
        this.#config(run),
        train,
        (batches) => this.#onBatches(run, batches),
        () => run.cancelled,
      );
      this.#check(run);
      this.#setState(run, 'done');
      return;
    }

    const trainer = new Trainer(this.#env.tf, this.#config(run), { fusedUpdates: this.#env.fusedUpdates });
    run.trainer = trainer;
    trainer.init();
    let fed = 0;
    const feed = () => {
      const chunks = this.#trainingChunks(run);
      for (; fed < chunks.length; fed++) trainer.addTrainingData(chunks[fed]!.labels, chunks[fed]!.images);
      if (this.#data.test && !trainer.hasTestData) trainer.setTestData(this.#data.test.labels, this.#data.test.images);
    };
    if (request.ruler) await this.#waitForTraining(run, request.spec.trainSize);
    feed();
    this.#check(run);
    run.snapshot = await trainer.snapshot();
    if (!run.paused) this.#setState(run, 'training');
    this.#postTensors();

    for (;;) {
      try {
        await runTraining(trainer, {
          onBatches: (batches) => this.#onBatches(run, batches),
          onEpoch: (report) => this.#onEpoch(run, report),
          proceed: async () => {
            this.#check(run);
            while (run.paused) {
              await new Promise<void>((resolve) => run.resumers.push(resolve));
              this.#check(run);
            }
          },
          dataArrived: async () => {
            const before = fed;
            feed();
            if (fed > before) return;
            this.#data.load(request.spec.trainSize, request.testSize);
            await this.#data.next(() => run.cancelled);
            feed();
          },
          testDataReady: async () => {
            await this.#waitForTest(run);
            feed();
          },
        });
        this.#check(run);
        await this.#report(run, true);
        this.#finish(run);
        return;
      } catch (error) {
        this.#check(run);
        if (!(error instanceof TrainingFault)) throw error;
        await this.#fallback(run, error);
      }
    }
  }

  /** The run's training data as chunks: the store's shards, or a ruler-stamped copy of the first trainSize examples. */
  #trainingChunks(run: Run): Labelled[] {
    const { ruler, spec } = run.request;
    if (!ruler) return this.#data.train;
    if (!run.train) {
      const first = this.#data.firstTraining(spec.trainSize);
      const stamped = rulerTrainingSet(first, ruler);
      run.train = [{ labels: stamped.labels, images: stamped.images }];
    }
    return run.train;
  }

  #finish(run: Run): void {
    const trainer = run.trainer!;
    // The weights stay for predictions; the data go (they are the store's, or this run's copy).
    trainer.releaseData();
    run.train = undefined;
    if (this.#kept && this.#kept !== run) {
      this.#kept.trainer?.dispose();
      this.#kept.trainer = undefined;
    }
    this.#kept = run;
    const last = run.lastEpoch;
    this.#env.post({
      type: 'done',
      run: run.request.id,
      testAccuracy: last?.testAccuracy ?? Number.NaN,
      ...(last?.trainAccuracy !== undefined ? { trainAccuracy: last.trainAccuracy } : {}),
      ...(last?.marked ? { marked: last.marked } : {}),
      seconds: (this.#now() - run.started) / 1000,
    });
    this.#setState(run, 'done');
    this.#postTensors();
  }

  /** Chooses the backend once, for the first run, by measurement unless the address forced an order. */
  async #ensureBackend(run: Run): Promise<void> {
    if (this.#backend) return;
    this.#choosing ??= (async () => {
      const { tf } = this.#env;
      let backend: BackendName;
      let notes: string[];
      let choice: BackendChoice;
      if (this.#order === 'auto') {
        const gpu = (await this.#env.gpu?.()) ?? {};
        ({ backend, notes, choice } = await chooseBackend(tf, gpu, this.#skip, (name) => this.#time(run, name)));
      } else {
        ({ backend, notes } = await selectBackend(tf, this.#order, this.#skip));
        choice = { how: 'forced', timings: [], passedOver: [] };
      }
      this.#backend = backend;
      this.#env.post({ type: 'backend', backend, notes, choice, threads: backend === 'wasm' ? (this.#env.threads?.actual() ?? 1) : 0 });
    })();
    try {
      await this.#choosing;
    } finally {
      this.#choosing = undefined;
    }
  }

  /**
   * Examples per second of the run's model on the current backend: one
   * warm-up step (shaders compile, memory grows), then as many steps as fit
   * in TIMING ms. Undefined when the warm-up alone is too slow.
   */
  async #time(run: Run, backend: BackendName): Promise<number | undefined> {
    const { tf } = this.#env;
    const spec = run.request.spec;
    const sample = this.#data.firstTraining(Math.min(this.#data.trainCount, spec.batchSize * 12));
    const trainer = new Trainer(
      tf,
      { ...this.#config(run), trainSize: sample.labels.length, epochs: 1, testSize: 1 },
      { fusedUpdates: this.#env.fusedUpdates },
    );
    try {
      trainer.init();
      trainer.addTrainingData(sample.labels, sample.images);
      const step = async () => {
        const s = trainer.trainBatch();
        if (!s || s.size === 0) return 0;
        await s.loss.data();
        s.loss.dispose();
        s.correct.dispose();
        return s.size;
      };
      const warm = this.#now();
      await step();
      if (this.#now() - warm > WARM_UP_LIMIT) return undefined;
      const start = this.#now();
      let examples = 0;
      while (this.#now() - start < TIMING) {
        const size = await step();
        if (size === 0) break;
        examples += size;
      }
      const seconds = (this.#now() - start) / 1000;
      return examples > 0 && seconds > 0 ? examples / seconds : undefined;
    } finally {
      trainer.dispose();
      void backend;
    }
  }

  /** Continues on the next backend from the last good weights. */
  async #fallback(run: Run, fault: TrainingFault): Promise<void> {
    const { tf } = this.#env;
    const trainer = run.trainer!;
    const failed = this.#backend!;
    const failedAt = trainer.step;
    this.#skip.add(failed);
    const snapshot = run.snapshot!;
    const order = this.#order === 'auto' ? [...BACKENDS] : this.#order;
    const { backend, notes } = await selectBackend(tf, order, this.#skip);
    this.#backend = backend;
    if (fault.kind === 'device') {
      try {
        tf.removeBackend(failed);
      } catch {
        // It may already be gone with its device.
      }
    }
    trainer.restore(snapshot);
    const what = fault.kind === 'nan' ? 'the loss stopped being a number' : 'the device failed';
    this.#env.post({
      type: 'notice',
      run: run.request.id,
      message: `${backendLabel(failed)} stopped at step ${failedAt}: ${what} (${fault.message}). Training goes on with ${backendLabel(backend)} from step ${snapshot.step}, the last good weights.`,
    });
    this.#env.post({
      type: 'backend',
      backend,
      notes,
      choice: { how: 'first', timings: [], passedOver: [] },
      threads: backend === 'wasm' ? (this.#env.threads?.actual() ?? 1) : 0,
    });
    this.#postTensors();
  }

  #onBatches(run: Run, batches: BatchReport[]): void {
    if (run.cancelled) return;
    const now = this.#now();
    if (run.examples === 0) run.throughput.add(now, 0);
    run.examples += batches.reduce((n, b) => n + b.size, 0);
    run.throughput.add(now, run.examples);
    this.#env.post({ type: 'batches', run: run.request.id, batches, examplesPerSecond: run.throughput.perSecond() });
    const last = batches.at(-1)!;
    if (this.#fault && !run.faultDone && last.step >= this.#fault.atStep) {
      run.faultDone = true;
      this.#inject(run, this.#fault);
    }
    if (run.trainer && last.step % 200 < batches.length) void this.#takeSnapshot(run);
    if (now - run.lastReport > REPORT_EVERY) void this.#report(run, false);
  }

  async #onEpoch(run: Run, report: EpochReport): Promise<void> {
    this.#check(run);
    const trainer = run.trainer!;
    const extra: { trainAccuracy?: number; marked?: MarkedEvaluation } = {};
    if (run.request.trainEval) extra.trainAccuracy = await this.#trainAccuracy(run, trainer);
    if (run.request.marked && run.request.ruler) extra.marked = await this.#markedEvaluation(run, trainer);
    run.lastEpoch = { testAccuracy: report.accuracy, ...extra };
    this.#env.post({
      type: 'epoch',
      run: run.request.id,
      epoch: report.epoch,
      accuracy: report.accuracy,
      loss: report.loss,
      confusion: report.confusion,
      ...extra,
    });
    await this.#takeSnapshot(run);
    await this.#report(run, true);
    this.#postTensors();
  }

  async #accuracyOn(trainer: Trainer, labels: Uint8Array, inputs: Float32Array): Promise<Int32Array> {
    const n = labels.length;
    const predictions = new Int32Array(n);
    const chunk = 1000;
    for (let start = 0; start < n; start += chunk) {
      const count = Math.min(chunk, n - start);
      const p = await trainer.predict(inputs.subarray(start * IMAGE_BYTES, (start + count) * IMAGE_BYTES), count);
      for (let k = 0; k < count; k++) {
        let best = 0;
        for (let c = 1; c < 10; c++) if (p[k * 10 + c]! > p[k * 10 + best]!) best = c;
        predictions[start + k] = best;
      }
    }
    return predictions;
  }

  /** Accuracy on the first images the run trains on (stamped, if it is stamped): what the network memorises. */
  async #trainAccuracy(run: Run, trainer: Trainer): Promise<number> {
    const n = Math.min(run.request.trainEval!, run.request.spec.trainSize, TRAIN_EVAL_MAX);
    const source = run.train?.[0] ?? this.#data.firstTraining(n);
    const labels = source.labels.subarray(0, n);
    const predictions = await this.#accuracyOn(trainer, labels, toInputs(source.images.subarray(0, n * IMAGE_BYTES)));
    let right = 0;
    predictions.forEach((p, i) => (right += p === labels[i] ? 1 : 0));
    return right / n;
  }

  async #markedEvaluation(run: Run, trainer: Trainer): Promise<MarkedEvaluation> {
    const classes = run.request.ruler!.classes;
    if (!run.marked) {
      const test = this.#data.test!;
      const n = Math.min(run.request.testSize, test.labels.length);
      const set = markedTestSet({ labels: test.labels.subarray(0, n), images: test.images.subarray(0, n * IMAGE_BYTES) }, { classes });
      run.marked = { labels: set.labels, inputs: toInputs(set.images) };
    }
    const predictions = await this.#accuracyOn(trainer, run.marked.labels, run.marked.inputs);
    const perClass = perClassAccuracy(run.marked.labels, predictions);
    let right = 0;
    predictions.forEach((p, i) => (right += p === run.marked!.labels[i] ? 1 : 0));
    return {
      count: predictions.length,
      accuracy: right / Math.max(1, predictions.length),
      flippedShare: flippedShare(predictions, classes),
      perClass,
    };
  }

  async #takeSnapshot(run: Run): Promise<void> {
    try {
      const snapshot = await run.trainer!.snapshot();
      if (snapshot.tensors.every((t) => t.values.every(Number.isFinite))) run.snapshot = snapshot;
    } catch {
      // A failing device is caught by the loop; keep the last good snapshot.
    }
  }

  /** The grid of test digits and the templates, when the request asks for them. */
  async #report(run: Run, always: boolean): Promise<void> {
    const trainer = run.trainer;
    if (!trainer || run.reporting || (!always && this.#now() - run.lastReport < REPORT_EVERY)) return;
    run.reporting = true;
    run.lastReport = this.#now();
    try {
      if (run.request.grid && this.#data.test) await this.#sendGrid(run, trainer);
      if (run.request.templates) await this.#sendTemplates(run, trainer);
    } catch {
      // Reports are decoration; the loop reports real failures.
    } finally {
      run.reporting = false;
    }
  }

  async #sendGrid(run: Run, trainer: Trainer): Promise<void> {
    const test = this.#data.test!;
    if (!trainer.hasTestData) trainer.setTestData(test.labels, test.images);
    const indices = run.request.grid!.filter((i) => i < Math.min(test.labels.length, run.request.testSize));
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
    const images = new Uint8Array(run.gridImagesSent ? 0 : indices.length * IMAGE_BYTES);
    if (!run.gridImagesSent)
      indices.forEach((t, k) => images.set(test.images.subarray(t * IMAGE_BYTES, (t + 1) * IMAGE_BYTES), k * IMAGE_BYTES));
    run.gridImagesSent = true;
    this.#env.post(
      {
        type: 'test-predictions',
        run: run.request.id,
        indices,
        labels: indices.map((t) => test.labels[t]!),
        predicted,
        confidence,
        images,
      },
      [images.buffer],
    );
  }

  async #sendTemplates(run: Run, trainer: Trainer): Promise<void> {
    const first = trainer.network.layers[0];
    if (!first) return;
    const logistic = trainer.config.model.layers.length === 0;
    if (!logistic && trainer.config.model.layers[0]!.type !== 'dense') return;
    const { kernel, bias } = await trainer.weights(0);
    const chosen = run.request.templates!;
    if (logistic || chosen === 'classes') {
      const t = classTemplates(kernel.values, bias.values);
      this.#postTemplates(
        run,
        Array.from({ length: 10 }, (_, i) => i),
        t.images,
        t.limit,
      );
      return;
    }
    const hidden = kernel.shape[1]!;
    const units = chosen.filter((u) => u < hidden);
    const t = templates(kernel.values, hidden, units);
    this.#postTemplates(run, units, t.images, t.limit);
  }

  #postTemplates(run: Run, units: number[], images: Float32Array[], limit: number): void {
    const flat = new Float32Array(units.length * IMAGE_BYTES);
    images.forEach((image, k) => flat.set(image, k * IMAGE_BYTES));
    this.#env.post({ type: 'templates', run: run.request.id, units, images: flat, limit }, [flat.buffer]);
  }

  /** The run whose weights answer a question about a drawing: the one named, or the newest with weights. */
  #weightsOf(id: string): Trainer | undefined {
    return this.#runs.get(id)?.trainer ?? this.#active?.trainer ?? this.#kept?.trainer;
  }

  async #predict(id: string, requestId: number, input: Float32Array): Promise<void> {
    const trainer = this.#weightsOf(id);
    if (!trainer) return;
    const probabilities = await trainer.predict(input, 1);
    this.#env.post({ type: 'prediction', run: id, id: requestId, probabilities }, [probabilities.buffer]);
  }

  /** A digit's path: hidden activations, the most active units' templates, probabilities and saliency (for networks of at most one dense hidden layer). */
  async #inspect(id: string, requestId: number, input: Float32Array, top: number): Promise<void> {
    const trainer = this.#weightsOf(id);
    if (!trainer) return;
    const { tf } = this.#env;
    const layers = trainer.config.model.layers;
    const inspection: Inspection = {
      hidden: new Float32Array(0),
      top: [],
      templates: new Float32Array(0),
      limit: 0,
      probabilities: new Float32Array(10),
      saliency: new Float32Array(IMAGE_BYTES),
      classIndex: 0,
    };
    if (layers.length === 1 && layers[0]!.type === 'dense') {
      const [first, out] = await Promise.all([trainer.weights(0), trainer.weights(1)]);
      const params = tf.tidy(() => ({
        w1: tf.tensor2d(first.kernel.values, first.kernel.shape as [number, number]),
        b1: tf.tensor1d(first.bias.values),
        w2: tf.tensor2d(out.kernel.values, out.kernel.shape as [number, number]),
        b2: tf.tensor1d(out.bias.values),
      })) as DenseParameters;
      try {
        const a = await hiddenActivations(tf, params, input);
        const s = await saliency(tf, params, input);
        const units = topUnits(a.hidden, top);
        const t = templates(first.kernel.values, first.kernel.shape[1]!, units);
        const flat = new Float32Array(units.length * IMAGE_BYTES);
        t.images.forEach((image, k) => flat.set(image, k * IMAGE_BYTES));
        Object.assign(inspection, {
          hidden: a.hidden,
          top: units,
          templates: flat,
          limit: t.limit,
          probabilities: a.probabilities,
          saliency: s.map,
          classIndex: s.classIndex,
        });
      } finally {
        tf.dispose(Object.values(params));
      }
    } else {
      inspection.probabilities = await trainer.predict(input, 1);
      let best = 0;
      for (let c = 1; c < 10; c++) if (inspection.probabilities[c]! > inspection.probabilities[best]!) best = c;
      inspection.classIndex = best;
    }
    this.#env.post({ type: 'inspection', run: id, id: requestId, inspection });
  }

  #inject(run: Run, fault: FaultSpec): void {
    if (fault.kind === 'nan') {
      run.trainer?.poisonForTesting();
      return;
    }
    const backend = this.#env.tf.backend() as { device?: { destroy(): void } };
    if (backend.device) backend.device.destroy();
    else throw new TrainingFault('device', `a simulated loss of the ${backendLabel(this.#backend!)} device`);
  }

  #postTensors(): void {
    this.#env.post({ type: 'tensors', count: this.#env.tf.memory().numTensors });
  }
}

/** Pixel bytes 0–255 to network inputs in [0, 1]. */
function toInputs(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}
