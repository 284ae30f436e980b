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
import type { FaultSpec, FromWorker, ToWorker } from '../protocol.ts';

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
  const match = /^(device-lost|nan)@(\d+)$/.exec(text ?? '');
  return match ? { kind: match[1] as FaultSpec['kind'], atStep: Number(match[2]) } : undefined;
}

let shared: TrainingClient | undefined;

/**
 * The page's training worker. The client exists from the first demo that
 * may train; the worker, and with it TensorFlow.js and its WebAssembly, only
 * from the first message sent, that is when someone asks for training: an
 * audience scrolling past a training slide on a phone downloads none of it.
 */
export function trainingClient(given: Given): TrainingClient {
  if (shared) return shared;
  const listeners = new Set<(message: FromWorker) => void>();
  let backend: Extract<FromWorker, { type: 'backend' }> | undefined;
  let counter = 0;
  let worker: Worker | undefined;
  const broadcast = (message: FromWorker) => {
    if (message.type === 'backend') backend = message;
    for (const listener of listeners) listener(message);
  };
  const start = (): Worker => {
    const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'training' });
    w.onmessage = (event: MessageEvent<FromWorker>) => broadcast(event.data);
    w.onerror = (event) =>
      broadcast({
        type: 'error',
        message: `The training worker failed to start (${event.message || 'a script error'}). Reload the page.`,
        retry: 'reload',
      });
    const absolute = (url: string) => new URL(url, location.href).href;
    w.postMessage({
      type: 'init',
      manifestUrl: mnistManifestUrl().href,
      wasmPaths: {
        'tfjs-backend-wasm.wasm': absolute(wasmPlain),
        'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd),
        'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreaded),
      },
      backends: backendOrder(given.backend),
      ...(given.threads ? { threads: given.threads } : {}),
      fault: faultFromAddress(given.fault),
    } satisfies ToWorker);
    addEventListener('pagehide', (event) => {
      if (!event.persisted) w.terminate();
    });
    return w;
  };
  shared = {
    send(message, transfer = []) {
      // Cancelling a run that never started needs no worker.
      if (!worker && message.type === 'cancel') return;
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
