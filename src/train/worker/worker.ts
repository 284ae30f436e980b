/**
 * The training worker: TensorFlow.js, the data and the training loops, off
 * the page's main thread so that slides and charts stay smooth. It is a thin
 * dispatch: messages (protocol.ts) go to the run queue (run-queue.ts),
 * which is DOM-free and tested under Node; its reports come back as messages.
 *
 * This file is the only place that imports TensorFlow.js's backends; a demo
 * creates the worker when its slide is first reached, so no other slide
 * downloads them.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { MnistLoader } from '../../mnist/loader.ts';
import { gpuInfo } from '../backends/backends.ts';
import { webgpuRmspropUpdate } from '../backends/rmsprop-webgpu.ts';
import { HEARTBEAT_MS, type FromWorker, type Heartbeat, type ToWorker } from '../protocol.ts';
import { RunQueue } from './run-queue.ts';

const scope = globalThis as unknown as {
  postMessage(message: FromWorker | Heartbeat, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

let queue: RunQueue | undefined;
/** `?fault=hang@0`: the thread blocks as the first run arrives, for the test of the page's watchdog. */
let hang = false;

// The heartbeat: a blocked thread stops it, and the page notices (src/train/page/client.ts).
setInterval(() => scope.postMessage({ type: 'alive' }), HEARTBEAT_MS);

/** Blocks this thread, as a deadlocked WebAssembly start does, until the page gives up on the worker. */
function block(): void {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    // Nothing: the thread answers nothing, not even its heartbeat.
  }
}

/**
 * TensorFlow.js 4.22's wasm backend sizes its thread pool when the module
 * starts, from navigator.hardwareConcurrency / 2 (at most 4), and ignores
 * setThreadsCount (measured: getThreadsCount stays 1 on a 2-core machine
 * whatever is asked; tfjs issues #6081, #8513). Its "cores" are taken to be
 * hyper-threads; on the laptops and virtual machines of a lecture they are
 * often real. So the worker tells it twice the count it wants, before the
 * module starts, and reports the count the backend then says it uses.
 */
function askForThreads(count: number): void {
  setThreadsCount(count);
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || !globalThis.crossOriginIsolated) return;
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => count * 2 });
}

scope.onmessage = (event) => {
  const message = event.data;
  try {
    if (message.type === 'init') {
      hang = message.fault?.kind === 'hang';
      setWasmPaths(message.wasmPaths);
      // TensorFlow.js picks its threaded build only in a cross-origin-isolated page; then use every core.
      const cores = Math.max(1, Math.min(4, message.threads ?? globalThis.navigator?.hardwareConcurrency ?? 1));
      askForThreads(cores);
      queue = new RunQueue({
        tf,
        post,
        source: new MnistLoader({ manifestUrl: message.manifestUrl, onProgress: (p) => post({ type: 'data', ...p }) }),
        gpu: gpuInfo,
        fusedUpdates: { webgpu: webgpuRmspropUpdate },
        threads: {
          request: (n) => setThreadsCount(n),
          actual: () => (globalThis.crossOriginIsolated && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? getThreadsCount() : 1),
          // When the threaded build fails to start (iOS, tfjs #7540), the plain one is tried: one thread.
          single: () => tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false),
          // Isolation alone is not enough: WebKitGTK, for one, gives an isolated page no SharedArrayBuffer.
          oneThread: () =>
            cores <= 1
              ? undefined
              : typeof SharedArrayBuffer === 'undefined'
                ? 'this browser shares no memory between threads'
                : !globalThis.crossOriginIsolated
                  ? 'the page is not cross-origin isolated'
                  : undefined,
        },
        stock: async (...args) => (await import('./stock.ts')).trainStock(...args),
      });
      queue.handle({ ...message, threads: cores, fault: hang ? undefined : message.fault });
      return;
    }
    if (!queue) throw new Error('the training worker received a message before it was set up; reload the page');
    if (hang && message.type === 'submit') block();
    queue.handle(message);
  } catch (error) {
    post({ type: 'error', message: (error as Error).message ?? String(error), retry: 'reload' });
  }
};
