/**
 * The training worker's run queue, DOM-free so that it runs and is tested
 * under Node: messages from the page in, runs trained one at a time, and
 * questions about a drawing answered with the newest weights. The worker
 * (worker.ts) only turns messages into calls of `handle`, and the queue's
 * reports into messages.
 *
 * The queue's parts are modules of their own: one run's training and
 * reports (training-run.ts), the backend (backend-manager.ts), what is
 * measured after each epoch (evaluations.ts), what is shown while training
 * (reports.ts), and a digit's path (inspection.ts). What an experiment
 * needs (the ruler's mark) arrives in the run request.
 */
import { predict } from '../model/inference.ts';
import type { Trainer } from '../model/trainer.ts';
import { assertNever, type FromWorker, type RunRequest, type ToWorker } from '../protocol.ts';
import { BackendManager, type BackendEnv } from './backend-manager.ts';
import { DataStore, Stopped, type ShardSource } from './data.ts';
import { inspect } from './inspection.ts';
import { TrainingRun, type RunContext, type StockLoop } from './training-run.ts';

export interface RunQueueEnv extends Omit<BackendEnv, 'now' | 'post'> {
  post(message: FromWorker, transfer?: Transferable[]): void;
  source: ShardSource;
  /** The stock tf.layers loop, for the benchmark (loaded only when asked). */
  stock?: StockLoop;
  now?: () => number;
}

export class RunQueue {
  readonly #env: RunQueueEnv;
  readonly #backends: BackendManager;
  readonly #context: RunContext;
  readonly #runs = new Map<string, TrainingRun>();
  readonly #queue: TrainingRun[] = [];
  #active: TrainingRun | undefined;
  /** The newest finished run, whose weights answer questions about a drawing. */
  #kept: TrainingRun | undefined;

  constructor(env: RunQueueEnv) {
    this.#env = env;
    const now = env.now ?? (() => performance.now());
    this.#backends = new BackendManager({ ...env, now, post: (m) => env.post(m) });
    this.#context = {
      tf: env.tf,
      post: (message, transfer) => env.post(message, transfer),
      now,
      data: new DataStore(env.source),
      backends: this.#backends,
      fault: undefined,
      fusedUpdates: env.fusedUpdates,
      stock: env.stock,
      postTensors: () => env.post({ type: 'tensors', count: env.tf.memory().numTensors }),
      weightsOf: (id) => (id === '' ? this.#kept?.trainer : (this.#runs.get(id)?.trainer ?? undefined)),
    };
  }

  /** The backend chosen, once chosen. */
  get backend(): string | undefined {
    return this.#backends.current;
  }

  /** Applies a message from the page. Every type is handled; a new one is a compile error until it is. */
  handle(message: ToWorker): void {
    switch (message.type) {
      case 'init':
        this.#backends.order = message.backends;
        this.#context.fault = message.fault;
        if (message.threads !== undefined) this.#env.threads?.request(message.threads);
        return;
      case 'submit':
        this.submit(message.run);
        return;
      case 'pause':
        this.#runs.get(message.run)?.pause();
        return;
      case 'resume':
        this.#runs.get(message.run)?.resume();
        return;
      case 'cancel':
        this.#cancel(message.run);
        return;
      case 'predict':
        void this.#answer(message.run, async (trainer) => {
          const probabilities = await predict(trainer, message.input, 1);
          this.#env.post({ type: 'prediction', run: message.run, id: message.id, probabilities }, [probabilities.buffer]);
        });
        return;
      case 'inspect':
        void this.#answer(message.run, async (trainer) => {
          const inspection = await inspect(trainer, message.input, message.top);
          this.#env.post({ type: 'inspection', run: message.run, id: message.id, inspection });
        });
        return;
      default:
        assertNever(message);
    }
  }

  /** Queues a run; it starts when the runs before it are done. */
  submit(request: RunRequest): void {
    if (this.#runs.has(request.id)) this.#cancel(request.id);
    const run = new TrainingRun(request, this.#context);
    this.#runs.set(request.id, run);
    this.#queue.push(run);
    run.setState('queued');
    this.#pump();
  }

  #pump(): void {
    if (this.#active) return;
    const next = this.#queue.shift();
    if (!next) return;
    this.#active = next;
    void next
      .train()
      .then(() => this.#keep(next))
      .catch((error: unknown) => {
        if (error instanceof Stopped || next.cancelled) return;
        const data = (error as { name?: string }).name === 'MnistError';
        next.setState('error');
        this.#fail(next.id, error, data ? 'start' : 'reset');
      })
      .finally(() => {
        if (this.#active === next) this.#active = undefined;
        if (next.cancelled) {
          next.trainer?.dispose();
          next.trainer = undefined;
          this.#context.postTensors();
        }
        this.#pump();
      });
  }

  /** A finished run's weights answer from now on; the previous run's are freed. */
  #keep(run: TrainingRun): void {
    if (this.#kept && this.#kept !== run) {
      this.#kept.trainer?.dispose();
      this.#kept.trainer = undefined;
    }
    this.#kept = run;
    this.#context.postTensors();
  }

  #fail(run: string | undefined, error: unknown, retry: 'start' | 'reset' | 'reload'): void {
    this.#env.post({ type: 'error', run, message: (error as Error).message ?? String(error), retry });
  }

  #cancel(id: string): void {
    const run = this.#runs.get(id);
    if (!run) return;
    run.cancel();
    this.#context.data.release();
    const queued = this.#queue.indexOf(run);
    if (queued >= 0) this.#queue.splice(queued, 1);
    this.#runs.delete(id);
    if (this.#kept === run) this.#kept = undefined;
    if (this.#active !== run) {
      run.trainer?.dispose();
      run.trainer = undefined;
    }
    this.#env.post({ type: 'state', run: id, state: 'idle' });
    this.#context.postTensors();
  }

  /** Answers a question about a drawing with the weights of the run named, or the newest with weights; none: no answer. */
  async #answer(id: string, ask: (trainer: Trainer) => Promise<void>): Promise<void> {
    const trainer = this.#runs.get(id)?.trainer ?? this.#active?.trainer ?? this.#kept?.trainer;
    if (!trainer) return;
    await ask(trainer).catch((error: unknown) => this.#fail(undefined, error, 'reload'));
  }
}
