/**
 * The worker's backend, from the first run on: chosen once (by measuring a
 * few real steps of the first run's model, unless the address forced an
 * order), replaced by the next one when it fails mid-run, and, for tests of
 * those recoveries, made to fail on purpose (`?fault=device-lost@20`,
 * `?fault=nan@20`). backends.ts holds the choice's rules; this module holds
 * its state and tells the page what happened.
 */
import type * as tfc from '@tensorflow/tfjs-core';
import { backendLabel, chooseBackend, selectBackend, type GpuInfo, type StartOptions } from '../backends/backends.ts';
import { BACKENDS, type BackendName, type TrainingConfig } from '../model/config.ts';
import { TrainingFault } from '../model/loop.ts';
import type { FusedUpdate } from '../model/rmsprop.ts';
import { Trainer, type Snapshot } from '../model/trainer.ts';
import type { BackendChoice, FaultSpec, FromWorker } from '../protocol.ts';
import type { Labelled } from './data.ts';

type TF = typeof tfc;

/** What the manager needs from the worker (or a test). */
export interface BackendEnv {
  tf: TF;
  post(message: FromWorker): void;
  /** The GPU's names, to pass over emulated ones. */
  gpu?: () => Promise<GpuInfo>;
  fusedUpdates?: Partial<Record<string, FusedUpdate>>;
  /**
   * WebAssembly's thread count once started, how to fall back to one thread when the threaded build fails, and why
   * the browser allows only one (undefined when it does not limit them).
   */
  threads?: { request(count: number): void; actual(): number; single?(): void; oneThread?(): string | undefined };
  now: () => number;
  /** Time limits for starting and timing a backend (tests shorten them). */
  limits?: StartOptions['limits'];
}

/** Milliseconds a backend may take for its first (warm-up) step before it is too slow to time. */
const WARM_UP_LIMIT = 1500;
/** Milliseconds of timed steps per candidate. */
const TIMING = 400;

export class BackendManager {
  readonly #env: BackendEnv;
  #order: BackendName[] | 'auto' = 'auto';
  #current: BackendName | undefined;
  #choosing: Promise<void> | undefined;
  readonly #skip = new Set<BackendName>();
  /** WebAssembly was told to use one thread after its threaded build failed. */
  #singleThread = false;

  constructor(env: BackendEnv) {
    this.#env = env;
  }

  /** The backend chosen, once chosen. */
  get current(): BackendName | undefined {
    return this.#current;
  }

  /** The order to try, as the address forced it, or `auto` to measure. */
  set order(order: BackendName[] | 'auto') {
    this.#order = order;
  }

  /** Backends in the order runs should use them. */
  get backends(): BackendName[] {
    return this.#order === 'auto' ? [...BACKENDS] : this.#order;
  }

  #options(): StartOptions {
    return {
      limits: this.#env.limits,
      retry: (name) => {
        // TensorFlow.js's threaded WebAssembly does not start everywhere (on iOS, tfjs #7540): one thread does.
        if (name !== 'wasm' || this.#singleThread || !this.#env.threads?.single || this.#env.threads.actual() <= 1) return false;
        this.#singleThread = true;
        this.#env.threads.single();
        return true;
      },
    };
  }

  /** Chooses the backend for the first run, timing `config` on `sample` when measuring; later runs reuse it. */
  async ensure(config: TrainingConfig, sample: () => Labelled): Promise<void> {
    if (this.#current) return;
    this.#choosing ??= this.#choose(config, sample);
    try {
      await this.#choosing;
    } finally {
      this.#choosing = undefined;
    }
  }

  async #choose(config: TrainingConfig, sample: () => Labelled): Promise<void> {
    const { tf } = this.#env;
    let result: { backend: BackendName; notes: string[]; choice?: BackendChoice };
    if (this.#order === 'auto') {
      const gpu = (await this.#env.gpu?.()) ?? {};
      result = await chooseBackend(tf, gpu, this.#skip, () => this.#time(config, sample()), this.#options());
    } else {
      result = await selectBackend(tf, this.#order, this.#skip, this.#options());
    }
    this.#current = result.backend;
    const forced = { how: 'forced' as const, timings: [], passedOver: [] };
    this.#announce(result.backend, result.notes, result.choice ?? forced);
  }

  #announce(backend: BackendName, notes: string[], choice: BackendChoice): void {
    const threads = backend === 'wasm' ? (this.#env.threads?.actual() ?? 1) : 0;
    // One thread is fine, provided the slide says why (WebKitGTK, for one, shares no memory between threads).
    const oneThread =
      threads === 1
        ? this.#singleThread
          ? 'the threaded build did not start in this browser'
          : this.#env.threads?.oneThread?.()
        : undefined;
    this.#env.post({ type: 'backend', backend, notes, choice, threads, ...(oneThread ? { oneThread } : {}) });
  }

  /**
   * Examples per second of the run's model on the current backend: one
   * warm-up step (shaders compile, memory grows), then as many steps as fit
   * in TIMING ms. Undefined when the warm-up alone is too slow.
   */
  async #time(config: TrainingConfig, sample: Labelled): Promise<number | undefined> {
    const { tf, now } = this.#env;
    const trainer = new Trainer(
      tf,
      { ...config, trainSize: sample.labels.length, epochs: 1, testSize: 1 },
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
      const warm = now();
      await step();
      if (now() - warm > WARM_UP_LIMIT) return undefined;
      const start = now();
      let examples = 0;
      while (now() - start < TIMING) {
        const size = await step();
        if (size === 0) break;
        examples += size;
      }
      const seconds = (now() - start) / 1000;
      return examples > 0 && seconds > 0 ? examples / seconds : undefined;
    } finally {
      trainer.dispose();
    }
  }

  /** Moves a failed run to the next backend, from its last good weights, and says so. */
  async fallback(run: string, trainer: Trainer, snapshot: Snapshot, fault: TrainingFault): Promise<void> {
    const { tf } = this.#env;
    const failed = this.#current!;
    const failedAt = trainer.step;
    this.#skip.add(failed);
    const { backend, notes } = await selectBackend(tf, this.backends, this.#skip, this.#options());
    this.#current = backend;
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
      run,
      message: `${backendLabel(failed)} stopped at step ${failedAt}: ${what} (${fault.message}). Training goes on with ${backendLabel(backend)} from step ${snapshot.step}, the last good weights.`,
    });
    this.#announce(backend, notes, { how: 'first', timings: [], passedOver: [] });
  }

  /** Makes the current backend fail as `fault` says, for tests of the recovery. */
  inject(fault: FaultSpec, trainer: Trainer | undefined): void {
    if (fault.kind === 'nan') {
      trainer?.poisonForTesting();
      return;
    }
    const backend = this.#env.tf.backend() as { device?: { destroy(): void } };
    if (backend.device) backend.device.destroy();
    else throw new TrainingFault('device', `a simulated loss of the ${backendLabel(this.#current!)} device`);
  }
}
