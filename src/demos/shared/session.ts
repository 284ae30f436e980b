/**
 * A training demo's one session with the page's training worker, and the
 * only place the demos talk to it. It owns:
 *
 * - the client and the run ids (`submit` names each run after the demo);
 * - start, pause, resume and cancel, and T's toggle between them;
 * - matching answers to questions: of several predictions or inspections
 *   asked in a row, only the answer to the latest counts, and the earlier
 *   ones resolve to `undefined`;
 * - the demo's state: every report from the worker is folded into it with
 *   the demo's pure reducer (`fold`), and a changed state is rendered.
 *
 * A demo's controller is then its actions: which runs to submit, and what
 * to ask. The session ends with the demo: its runs are cancelled.
 */
import type { Address } from '../../address.ts';
import { trainingClient, type TrainingClient } from '../../train/page/client.ts';
import type { FromWorker, Inspection, RunRequest, TrainerState } from '../../train/protocol.ts';

/** What a session needs from its demo. */
export interface SessionOptions<S> {
  /** Names the demo's runs: "live" gives "live-1", "live-2", … */
  prefix: string;
  /** Folds a worker report into the state, purely; the same state when the report is not the demo's concern. */
  fold(state: S, message: FromWorker): S;
  /** Draws a state (and sends it to the speaker view). */
  render(state: S): void;
  /** Called after a report was folded, with the state before and after: for what a report sets in motion. */
  after?(before: S, after: S, message: FromWorker): void;
}

type Answer = { type: 'prediction'; probabilities: Float32Array } | { type: 'inspection'; inspection: Inspection };

/** Question ids, unique in the page: every session shares the worker, and answers come back to all of them. */
let questions = 0;

/** A finished run's last report. */
export type DoneReport = Extract<FromWorker, { type: 'done' }>;

/**
 * The newest `done` report of each client, kept by every session that hears
 * one. A run is submitted by a session and lives no longer than it, so some
 * session hears every run finish; a demo whose slide comes after a run
 * finished (the room's digits after the live slide) learns from it what the
 * worker classifies with.
 */
const newestDone = new WeakMap<TrainingClient, { done: DoneReport | undefined }>();

function memoryOf(client: TrainingClient): { done: DoneReport | undefined } {
  let memory = newestDone.get(client);
  if (!memory) newestDone.set(client, (memory = { done: undefined }));
  return memory;
}

/** The states in which T pauses a run, and the one in which it resumes. */
const ACTIVE: readonly string[] = ['queued', 'loading', 'training'];

export class TrainingSession<S> {
  readonly #client: TrainingClient;
  readonly #options: SessionOptions<S>;
  readonly #unlisten: () => void;
  readonly #memory: { done: DoneReport | undefined };
  /** Runs this session submitted and did not cancel. */
  readonly #runs = new Set<string>();
  #state: S;
  /** The latest question per channel, and the resolvers of the questions not yet answered. */
  readonly #latest = new Map<string, number>();
  readonly #waiting = new Map<number, { channel: string; resolve: (answer: Answer | undefined) => void }>();

  /** @param client The page's training client, unless a test gives its own. */
  constructor(address: Address, initial: S, options: SessionOptions<S>, client: TrainingClient = trainingClient(address.given)) {
    this.#client = client;
    this.#options = options;
    this.#state = initial;
    this.#memory = memoryOf(client);
    this.#unlisten = this.#client.listen((message) => this.#receive(message));
    if (this.#client.backend) this.#state = options.fold(this.#state, this.#client.backend);
    options.render(this.#state);
  }

  /** The demo's state now. */
  get state(): S {
    return this.#state;
  }

  /** The newest report of a run that finished in this page, whichever demo ran it; undefined when none has. */
  get lastDone(): DoneReport | undefined {
    return this.#memory.done;
  }

  /** Replaces the state (after an action) and draws it. */
  set(state: S): void {
    this.#state = state;
    this.#options.render(state);
  }

  /** Draws the state again (the slide came back on screen). */
  render(): void {
    this.#options.render(this.#state);
  }

  /** Queues a run; returns its id, which every report about it carries. */
  submit(request: Omit<RunRequest, 'id'>, name?: string): string {
    const id = this.#client.nextId(name ? `${this.#options.prefix}-${name}` : this.#options.prefix);
    this.#runs.add(id);
    this.#client.send({ type: 'submit', run: { ...request, id } });
    return id;
  }

  pause(id: string): void {
    this.#client.send({ type: 'pause', run: id });
  }

  resume(id: string): void {
    this.#client.send({ type: 'resume', run: id });
  }

  /** Cancels a run (its reports stop; it leaves the worker's queue); nothing when there is none. */
  cancel(id: string | undefined): void {
    if (!id) return;
    this.#runs.delete(id);
    this.#client.send({ type: 'cancel', run: id });
  }

  /**
   * T on a run: pauses it while it trains (or waits or loads), resumes it
   * when paused. Returns false when the run is neither, so that the demo
   * starts a new one.
   */
  toggle(id: string | undefined, state: TrainerState | string | undefined): boolean {
    if (!id || state === undefined) return false;
    if (ACTIVE.includes(state)) this.pause(id);
    else if (state === 'paused') this.resume(id);
    else return false;
    return true;
  }

  /** The ten probabilities for a drawing, from the weights of `run` (or the newest); undefined when a later question superseded it. */
  async predict(run: string, input: Float32Array, channel = 'predict'): Promise<Float32Array | undefined> {
    const id = this.#ask(channel);
    const answer = this.#answer(id, channel);
    this.#client.send({ type: 'predict', run, id, input }, [input.buffer]);
    const got = await answer;
    return got?.type === 'prediction' ? got.probabilities : undefined;
  }

  /** A digit's path through the network of `run`; undefined when a later question superseded it. */
  async inspect(run: string, input: Float32Array, top: number, channel = 'inspect'): Promise<Inspection | undefined> {
    const id = this.#ask(channel);
    const answer = this.#answer(id, channel);
    this.#client.send({ type: 'inspect', run, id, input, top }, [input.buffer]);
    const got = await answer;
    return got?.type === 'inspection' ? got.inspection : undefined;
  }

  /** Forgets any question on `channel` still waiting: its answer will not count. */
  forget(channel: string): void {
    this.#ask(channel);
  }

  /** Ends the session: its runs are cancelled and its questions dropped. */
  dispose(): void {
    this.#unlisten();
    for (const id of [...this.#runs]) this.cancel(id);
    for (const { resolve } of this.#waiting.values()) resolve(undefined);
    this.#waiting.clear();
  }

  #ask(channel: string): number {
    const id = ++questions;
    this.#latest.set(channel, id);
    // Earlier questions on the channel will not count: settle them now.
    for (const [id, w] of this.#waiting) {
      if (w.channel === channel) {
        w.resolve(undefined);
        this.#waiting.delete(id);
      }
    }
    return id;
  }

  #answer(id: number, channel: string): Promise<Answer | undefined> {
    return new Promise((resolve) => this.#waiting.set(id, { channel, resolve }));
  }

  #receive(message: FromWorker): void {
    if (message.type === 'prediction' || message.type === 'inspection') {
      const waiting = this.#waiting.get(message.id);
      if (!waiting) return;
      this.#waiting.delete(message.id);
      waiting.resolve(this.#latest.get(waiting.channel) === message.id ? message : undefined);
      return;
    }
    if (message.type === 'done') this.#memory.done = message;
    const before = this.#state;
    const after = this.#options.fold(before, message);
    if (after !== before) {
      this.#state = after;
      this.#options.render(after);
    }
    this.#options.after?.(before, after, message);
  }
}
