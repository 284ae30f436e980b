/**
 * The page's one training worker, shared by every demo that trains: one
 * copy of TensorFlow.js, of the data and of the backend's measurement, and
 * one queue of runs, so that two demos never fight for the same cores or
 * hold the data twice. Started when a demo first asks for training, never
 * in a speaker-view frame (mirrors have no controllers).
 *
 * The address may force a backend (`?backend=wasm`), a thread count
 * (`?threads=1`, for the benchmark) or a fault to test recovery
 * (`?fault=nan@20`); src/params.ts checked them.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { mnistManifestUrl } from '../../mnist/url.ts';
import type { Given } from '../../params.ts';
import { backendOrder } from '../model/config.ts';
import type { FaultSpec, FromWorker, Heartbeat, ToWorker } from '../protocol.ts';

export interface TrainingClient {
  send(message: ToWorker, transfer?: Transferable[]): void;
  /** Calls `listener` with every report; returns the function that stops it. */
  listen(listener: (message: FromWorker) => void): () => void;
  /** The last backend report, for a demo that arrives after the choice was made. */
  readonly backend: Extract<FromWorker, { type: 'backend' }> | undefined;
  /** A run id unique in this page, e.g. "live-3". */
  nextId(prefix: string): string;
}

/** `?fault=nan@20` as the worker takes it. */
export function faultFromAddress(text: string | undefined): FaultSpec | undefined {
  const match = /^(device-lost|nan|hang)@(\d+)$/.exec(text ?? '');
  return match ? { kind: match[1] as FaultSpec['kind'], atStep: Number(match[2]) } : undefined;
}

let shared: TrainingClient | undefined;

/** A worker silent this long, while the page is on screen, is taken for blocked and replaced. */
export const SILENCE_MS = 10_000;
/** Replacements after which the next worker runs WebAssembly on one thread, the start that does not deadlock. */
const THREADED_TRIES = 3;

/** The messages that make a run what it is: replayed, in order, to a worker that replaces a blocked one. */
type RunMessage = Extract<ToWorker, { type: 'submit' | 'pause' | 'resume' }>;
const runOf = (message: RunMessage) => (message.type === 'submit' ? message.run.id : message.run);

/**
 * The page's training worker. The client exists from the first demo that
 * may train; the worker, and with it TensorFlow.js and its WebAssembly, only
 * from the first message sent, that is when someone asks for training: an
 * audience scrolling past a training slide on a phone downloads none of it.
 *
 * The worker beats every second (protocol.ts, Heartbeat). One that falls
 * silent for SILENCE_MS while its backend starts, with the page visible and
 * answering, has a blocked thread (in Firefox, TensorFlow.js's threaded
 * WebAssembly sometimes deadlocks as it starts, one start in four or five on
 * a 2-core machine): it is terminated, a new one gets the runs that had not
 * ended, and the slides say so. After THREADED_TRIES such replacements,
 * WebAssembly gets one thread. Once a backend runs, silence is left alone: a
 * large batch on one thread may keep a worker busy for seconds, and that is
 * work, not a deadlock.
 */
export function trainingClient(given: Given): TrainingClient {
  if (shared) return shared;
  const listeners = new Set<(message: FromWorker) => void>();
  let backend: Extract<FromWorker, { type: 'backend' }> | undefined;
  let counter = 0;
  let worker: Worker | undefined;
  let replaced = 0;
  let heard = 0;
  let watch: ReturnType<typeof setInterval> | undefined;
  /** What the runs that have not ended were told, in order. */
  let log: RunMessage[] = [];
  const forget = (run: string) => (log = log.filter((message) => runOf(message) !== run));
  const broadcast = (message: FromWorker) => {
    if (message.type === 'backend') backend = message;
    if ((message.type === 'done' || message.type === 'error') && message.run) forget(message.run);
    for (const listener of listeners) listener(message);
  };
  const start = (): Worker => {
    const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'training' });
    w.onmessage = (event: MessageEvent<FromWorker | Heartbeat>) => {
      heard = performance.now();
      if (event.data.type !== 'alive') broadcast(event.data);
    };
    w.onerror = (event) =>
      broadcast({
        type: 'error',
        message: `The training worker failed to start (${event.message || 'a script error'}). Reload the page.`,
        retry: 'reload',
      });
    const absolute = (url: string) => new URL(url, location.href).href;
    const threads = replaced >= THREADED_TRIES ? 1 : given.threads;
    const fault = replaced === 0 ? faultFromAddress(given.fault) : undefined;
    w.postMessage({
      type: 'init',
      manifestUrl: mnistManifestUrl().href,
      wasmPaths: {
        'tfjs-backend-wasm.wasm': absolute(wasmPlain),
        'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd),
        'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreaded),
      },
      backends: backendOrder(given.backend),
      ...(threads ? { threads } : {}),
      fault,
    } satisfies ToWorker);
    heard = performance.now();
    watch ??= setInterval(check, 1000);
    return w;
  };
  /** When the watch last looked: a page that was itself too busy to look cannot tell a silent worker from its own lag. */
  let looked = performance.now();
  /** Replaces a worker whose backend start has been silent too long. */
  const check = () => {
    const now = performance.now();
    const lagging = now - looked > 3000;
    looked = now;
    if (lagging) heard = now;
    if (!worker || backend !== undefined || log.length === 0 || document.hidden || now - heard < SILENCE_MS) return;
    worker.terminate();
    replaced++;
    worker = start();
    for (const message of log) worker.postMessage(message);
    broadcast({
      type: 'notice',
      message:
        'The training worker stopped answering as its backend started, so a new one took over and trains again from the start' +
        (replaced >= THREADED_TRIES ? ', with WebAssembly on one thread.' : '.'),
    });
  };
  // A hidden page's timers slow down: its silence then says nothing, and the watch starts afresh when it is back.
  document.addEventListener('visibilitychange', () => (heard = looked = performance.now()));
  addEventListener('pagehide', (event) => {
    if (event.persisted) return;
    clearInterval(watch);
    watch = undefined;
    worker?.terminate();
  });
  shared = {
    send(message, transfer = []) {
      // Cancelling a run that never started needs no worker.
      if (!worker && message.type === 'cancel') return;
      if (message.type === 'cancel') forget(message.run);
      else if (message.type === 'submit' || message.type === 'pause' || message.type === 'resume') log.push(message);
      worker ??= start();
      worker.postMessage(message, transfer);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get backend() {
      return backend;
    },
    nextId: (prefix) => `${prefix}-${++counter}`,
  };
  return shared;
}
