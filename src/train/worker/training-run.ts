/**
 * One run of the queue (run-queue.ts), from its request to its last
 * report: it waits for its data and the backend, trains with the deck's
 * loop (or the stock one, for the benchmark), pauses and resumes between
 * steps, moves to the next backend from its last good weights when one
 * fails, and reports as its request asks. What it reports is made by
 * evaluations.ts and reports.ts; the queue decides what runs when.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { IMAGE_BYTES } from '../../mnist/format.ts';
import { markedTestSet, stampedTrainingSet } from '../../mnist/stamp.ts';
import type { TrainingConfig } from '../model/config.ts';
import { checkExamples } from '../model/device-data.ts';
import { runTraining, TrainingFault, type BatchReport, type EpochReport } from '../model/loop.ts';
import { Throughput } from '../model/metrics.ts';
import type { FusedUpdate } from '../model/rmsprop.ts';
import { Trainer, type Snapshot } from '../model/trainer.ts';
import type { FaultSpec, FromWorker, MarkedEvaluation, RunRequest, TrainerState } from '../protocol.ts';
import type { BackendManager } from './backend-manager.ts';
import { Stopped, type DataStore, type Labelled } from './data.ts';
import { accuracyOnFirst, markedEvaluation, toInputs } from './evaluations.ts';
import { gridReport, templatesReport } from './reports.ts';

type TF = typeof tfc;

/** The stock tf.layers loop, for the benchmark. */
export type StockLoop = (
  tf: TF,
  config: TrainingConfig,
  train: Labelled,
  onBatches: (b: BatchReport[]) => void,
  shouldStop: () => boolean,
) => Promise<void>;

/** What a run shares with the queue and the other runs. */
export interface RunContext {
  tf: TF;
  post(message: FromWorker, transfer?: Transferable[]): void;
  now(): number;
  data: DataStore;
  backends: BackendManager;
  fault: FaultSpec | undefined;
  fusedUpdates?: Partial<Record<string, FusedUpdate>>;
  stock?: StockLoop;
  /** Tells the page how many tensors are alive (a leak shows on the slide). */
  postTensors(): void;
  /** The weights of a finished run, by id ('' for the newest), to fine-tune from. */
  weightsOf(id: string): Trainer | undefined;
}

/** Milliseconds between two reports of the grid of test digits, or of the templates. */
const REPORT_EVERY = 1500;
/** Training images used to measure the training accuracy at most (the overfitting figure). */
const TRAIN_EVAL_MAX = 5000;

export class TrainingRun {
  readonly request: RunRequest;
  state: TrainerState = 'queued';
  trainer: Trainer | undefined;
  paused = false;
  cancelled = false;
  readonly #context: RunContext;
  #snapshot: Snapshot | undefined;
  #faultDone = false;
  #resumers: (() => void)[] = [];
  #examples = 0;
  readonly #throughput = new Throughput();
  #started = 0;
  #lastReport = 0;
  #reporting = false;
  /** The training data, stamped with a mark when the request asks. */
  #train: Labelled[] | undefined;
  #marked: { labels: Uint8Array; inputs: Float32Array } | undefined;
  #gridImagesSent = false;
  #lastEpoch: { testAccuracy: number; trainAccuracy?: number; marked?: MarkedEvaluation; heldOutAccuracy?: number } | undefined;
  /** Accuracy on the held-out examples before the first step (fine-tuning's "before"). */
  #heldOutBefore: number | undefined;

  constructor(request: RunRequest, context: RunContext) {
    this.request = request;
    this.#context = context;
  }

  get id(): string {
    return this.request.id;
  }

  setState(state: TrainerState): void {
    this.state = state;
    this.#context.post({ type: 'state', run: this.id, state });
  }

  /** Pauses a run that is training or loading; false when there was nothing to pause. */
  pause(): boolean {
    if (this.state !== 'training' && this.state !== 'loading') return false;
    this.paused = true;
    this.setState('paused');
    return true;
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.paused = false;
    this.setState(this.#examples > 0 ? 'training' : 'loading');
    this.#resumers.splice(0).forEach((r) => r());
  }

  /** Stops the run at its next step; its waits end with Stopped. */
  cancel(): void {
    this.cancelled = true;
    this.paused = false;
    this.#resumers.splice(0).forEach((r) => r());
  }

  #check(): void {
    if (this.cancelled) throw new Stopped();
  }

  /** Waits until `enough` says the data store has what the run needs. */
  async #waitFor(enough: () => boolean): Promise<void> {
    const { data } = this.#context;
    while (!enough()) {
      data.load(this.request.spec.trainSize, this.request.testSize);
      await data.next(() => this.cancelled);
    }
  }

  #config(): TrainingConfig {
    const { request } = this;
    // Extra examples (the room's digits) are trained on too: the run's epochs cover MNIST's first trainSize and them.
    const trainSize = request.spec.trainSize + (request.extra?.labels.length ?? 0);
    return {
      ...request.spec,
      trainSize,
      testSize: request.testSize,
      backends: this.#context.backends.backends,
      loop: request.loop ?? 'deck',
    };
  }

  /** Trains the run to its end; resolves when it is done, throws Stopped when cancelled. */
  async train(): Promise<void> {
    const { request } = this;
    const { data, backends } = this.#context;
    const spec = request.spec;
    const all = () => data.trainCount >= spec.trainSize;
    this.setState('loading');
    data.load(spec.trainSize, request.testSize);
    await this.#waitFor(() => data.trainCount >= 1);
    this.#check();
    await backends.ensure(this.#config(), () => data.firstTraining(Math.min(data.trainCount, spec.batchSize * 12)));
    this.#check();
    this.#started = this.#context.now();

    if (request.loop === 'stock') {
      // The benchmark's baseline: tf.layers and model.fit on all the training data at once.
      await this.#waitFor(all);
      this.setState('training');
      if (!this.#context.stock) throw new Error('the stock loop is not available here');
      const train = data.firstTraining(spec.trainSize);
      await this.#context.stock(
        this.#context.tf,
        this.#config(),
        train,
        (b) => this.#onBatches(b),
        () => this.cancelled,
      );
      this.#check();
      this.setState('done');
      return;
    }

    checkExamples('extra', request.extra);
    checkExamples('heldOut', request.heldOut);
    const trainer = new Trainer(this.#context.tf, this.#config(), { fusedUpdates: this.#context.fusedUpdates });
    this.trainer = trainer;
    trainer.init();
    if (request.from !== undefined) {
      const source = this.#context.weightsOf(request.from);
      if (!source) throw new Error('There is no trained network to start from yet: train the live slide first, then try again.');
      trainer.loadWeights(source);
    }
    if (request.heldOut) this.#heldOutBefore = await accuracyOnFirst(trainer, request.heldOut, request.heldOut.labels.length);
    let fed = 0;
    const feed = () => {
      const chunks = this.#trainingChunks();
      for (; fed < chunks.length; fed++) trainer.addTrainingData(chunks[fed]!.labels, chunks[fed]!.images);
      if (data.test && !trainer.hasTestData) trainer.setTestData(data.test.labels, data.test.images);
    };
    if (request.stamp || request.extra) await this.#waitFor(all);
    feed();
    this.#check();
    this.#snapshot = await trainer.snapshot();
    if (!this.paused) this.setState('training');
    this.#context.postTensors();

    for (;;) {
      try {
        await runTraining(trainer, {
          onBatches: (batches) => this.#onBatches(batches),
          onEpoch: (report) => this.#onEpoch(report),
          proceed: async () => {
            this.#check();
            while (this.paused) {
              await new Promise<void>((resolve) => this.#resumers.push(resolve));
              this.#check();
            }
          },
          dataArrived: async () => {
            const before = fed;
            feed();
            if (fed > before) return;
            data.load(spec.trainSize, request.testSize);
            await data.next(() => this.cancelled);
            feed();
          },
          testDataReady: async () => {
            await this.#waitFor(() => (data.test?.labels.length ?? 0) >= Math.min(request.testSize, 10000));
            feed();
          },
        });
        this.#check();
        await this.#report(true);
        this.#finish();
        return;
      } catch (error) {
        this.#check();
        if (!(error instanceof TrainingFault)) throw error;
        await backends.fallback(this.id, trainer, this.#snapshot!, error);
        this.#context.postTensors();
      }
    }
  }

  /** The run's training data as chunks: the store's shards, a stamped copy of the first trainSize examples, or those and the extra ones. */
  #trainingChunks(): Labelled[] {
    const { stamp, spec, extra } = this.request;
    if (extra) {
      this.#train ??= [this.#context.data.firstTraining(spec.trainSize), extra];
      return this.#train;
    }
    if (!stamp) return this.#context.data.train;
    this.#train ??= [stampedTrainingSet(this.#context.data.firstTraining(spec.trainSize), stamp.mark, stamp)];
    return this.#train;
  }

  #finish(): void {
    // The weights stay for predictions; the data go (they are the store's, or this run's copy).
    this.trainer!.releaseData();
    this.#train = undefined;
    const last = this.#lastEpoch;
    this.#context.post({
      type: 'done',
      run: this.id,
      testAccuracy: last?.testAccuracy ?? Number.NaN,
      ...(last?.trainAccuracy !== undefined ? { trainAccuracy: last.trainAccuracy } : {}),
      ...(last?.marked ? { marked: last.marked } : {}),
      ...(this.#heldOutBefore !== undefined
        ? { heldOutBefore: this.#heldOutBefore, heldOutAfter: last?.heldOutAccuracy ?? this.#heldOutBefore }
        : {}),
      seconds: (this.#context.now() - this.#started) / 1000,
    });
    this.setState('done');
  }

  #onBatches(batches: BatchReport[]): void {
    if (this.cancelled) return;
    const { now, fault, backends, post } = this.#context;
    const time = now();
    if (this.#examples === 0) this.#throughput.add(time, 0);
    this.#examples += batches.reduce((n, b) => n + b.size, 0);
    this.#throughput.add(time, this.#examples);
    post({ type: 'batches', run: this.id, batches, examplesPerSecond: this.#throughput.perSecond() });
    const last = batches.at(-1)!;
    if (fault && !this.#faultDone && last.step >= fault.atStep) {
      this.#faultDone = true;
      backends.inject(fault, this.trainer);
    }
    if (this.trainer && last.step % 200 < batches.length) void this.#takeSnapshot();
    if (time - this.#lastReport > REPORT_EVERY) void this.#report(false);
  }

  async #onEpoch(report: EpochReport): Promise<void> {
    this.#check();
    const trainer = this.trainer!;
    const { request } = this;
    const extra: { trainAccuracy?: number; marked?: MarkedEvaluation; heldOutAccuracy?: number } = {};
    if (request.trainEval) {
      const n = Math.min(request.trainEval, request.spec.trainSize, TRAIN_EVAL_MAX);
      extra.trainAccuracy = await accuracyOnFirst(trainer, this.#train?.[0] ?? this.#context.data.firstTraining(n), n);
    }
    if (request.marked && request.stamp) extra.marked = await markedEvaluation(trainer, this.#markedSet(), request.stamp.classes);
    if (request.heldOut) extra.heldOutAccuracy = await accuracyOnFirst(trainer, request.heldOut, request.heldOut.labels.length);
    this.#lastEpoch = { testAccuracy: report.accuracy, ...extra };
    const { epoch, accuracy, loss, confusion } = report;
    this.#context.post({ type: 'epoch', run: this.id, epoch, accuracy, loss, confusion, ...extra });
    await this.#takeSnapshot();
    await this.#report(true);
    this.#context.postTensors();
  }

  /** The run's test images of the unmarked classes, stamped with its mark (made once per run). */
  #markedSet(): { labels: Uint8Array; inputs: Float32Array } {
    if (!this.#marked) {
      const stamp = this.request.stamp!;
      const test = this.#context.data.test!;
      const n = Math.min(this.request.testSize, test.labels.length);
      const set = markedTestSet(
        { labels: test.labels.subarray(0, n), images: test.images.subarray(0, n * IMAGE_BYTES) },
        stamp.mark,
        stamp,
      );
      this.#marked = { labels: set.labels, inputs: toInputs(set.images) };
    }
    return this.#marked;
  }

  async #takeSnapshot(): Promise<void> {
    try {
      const snapshot = await this.trainer!.snapshot();
      if (snapshot.tensors.every((t) => t.values.every(Number.isFinite))) this.#snapshot = snapshot;
    } catch {
      // A failing device is caught by the loop; keep the last good snapshot.
    }
  }

  /** The grid of test digits and the templates, when the request asks for them, at most every REPORT_EVERY ms unless `always`. */
  async #report(always: boolean): Promise<void> {
    const { trainer, request } = this;
    const { now, post, data } = this.#context;
    if (!trainer || this.#reporting || (!always && now() - this.#lastReport < REPORT_EVERY)) return;
    this.#reporting = true;
    this.#lastReport = now();
    try {
      const test = data.test;
      if (request.grid && test) {
        if (!trainer.hasTestData) trainer.setTestData(test.labels, test.images);
        const grid = await gridReport(trainer, test, request.grid, !this.#gridImagesSent);
        this.#gridImagesSent = true;
        post({ type: 'test-predictions', run: this.id, ...grid }, [grid.images.buffer]);
      }
      const templates = request.templates ? await templatesReport(trainer, request.templates) : undefined;
      if (templates) post({ type: 'templates', run: this.id, ...templates }, [templates.images.buffer]);
    } catch {
      // Reports are decoration; the loop reports real failures.
    } finally {
      this.#reporting = false;
    }
  }
}
