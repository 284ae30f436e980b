/**
 * The live slide: the lecture's MNIST network training in this browser.
 *
 * The page starts a Web Worker that holds TensorFlow.js, the data and the
 * training loop; this module only sends it commands and draws what it
 * reports. Keys while the slide is on screen: T starts, pauses and resumes;
 * R resets (new weights, new run). Leaving the slide does not stop
 * training; coming back shows where it is.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { MountDemo } from '../../deck/demo.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import { configFromQuery } from '../../train/config.ts';
import type { FaultSpec, FromWorker, ToWorker } from '../../train/protocol.ts';
import { initialState, update, type LiveState } from './state.ts';
import './training.css';
import { createLiveView } from './view.ts';

/** The test digits shown in the grid: fixed (among the first 200, so a shortened run shows them too), so that the audience sees the same ones improve. */
/** Milliseconds between two drawings of the view while training (four a second). */
const DRAW_INTERVAL = 250;

const GRID = Array.from({ length: 24 }, (_, i) => i * 8 + 1);

function faultFromQuery(query: URLSearchParams): FaultSpec | undefined {
  const match = /^(device-lost|nan)@(\d+)$/.exec(query.get('fault') ?? '');
  return match ? { kind: match[1] as FaultSpec['kind'], atStep: Number(match[2]) } : undefined;
}

export const mount: MountDemo = ({ root, stage, query, print, bindKey }) => {
  const { config, problems } = configFromQuery(query);
  const state = initialState(config);
  if (problems.length > 0) state.notices = problems.map((p) => `URL parameter ${p}.`);
  let frame = 0;
  let timer = 0;
  let drawnAt = 0;
  let drawnState: LiveState['state'] | undefined;
  // ?charts=off draws nothing while training (the benchmark's "cost of the show").
  const charts = query.get('charts') !== 'off';
  const render = () => {
    if (!charts && (state.state === 'training' || state.state === 'loading')) {
      root.dataset.state = state.state;
      root.dataset.step = String(state.steps.at(-1) ?? 0);
      root.dataset.examplesPerSecond = state.examplesPerSecond.toFixed(1);
      return;
    }
    // While training, batch reports arrive many times a second (every four
    // steps); drawing each one would spend the CPU that training needs, on a
    // machine where the two share it. The view is drawn at most every
    // DRAW_INTERVAL ms then, and at once whenever the state itself changes.
    const now = performance.now();
    const urgent = state.state !== 'training' || state.state !== drawnState;
    if (!urgent && (frame !== 0 || timer !== 0)) return;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    timer = 0;
    const wait = urgent ? 0 : Math.max(0, drawnAt + DRAW_INTERVAL - now);
    const draw = () => {
      frame = requestAnimationFrame(() => {
        frame = 0;
        drawnAt = performance.now();
        drawnState = state.state;
        view.render(state);
      });
    };
    if (wait === 0) draw();
    else
      timer = window.setTimeout(() => {
        timer = 0;
        draw();
      }, wait);
  };

  if (print) {
    // A still frame for the PDF: the controls and empty axes, with a note.
    const view = createLiveView(root, stage, { toggle() {}, reset() {}, retry() {}, predict() {} });
    state.notices = ['Live demo: open the deck in a browser and press T on this slide to train the network.'];
    view.render(state);
    return {};
  }

  const worker = new Worker(new URL('../../train/worker.ts', import.meta.url), { type: 'module', name: 'mnist-training' });
  const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  let predictionId = 0;

  const actions = {
    toggle() {
      if (state.state === 'idle') send({ type: 'start' });
      else if (state.state === 'training' || state.state === 'loading') send({ type: 'pause' });
      else if (state.state === 'paused') send({ type: 'resume' });
      else if (state.state === 'done') {
        send({ type: 'reset' });
        send({ type: 'start' });
      } else if (state.state === 'error' && state.error?.retry === 'start') send({ type: 'start' });
    },
    reset() {
      send({ type: 'reset' });
    },
    retry(kind: 'start' | 'reset' | 'reload') {
      if (kind === 'start') send({ type: 'start' });
      else if (kind === 'reset') {
        send({ type: 'reset' });
        send({ type: 'start' });
      } else location.reload();
    },
    predict(input: Float32Array) {
      predictionId += 1;
      send({ type: 'predict', id: predictionId, input }, [input.buffer]);
    },
  };
  const view = createLiveView(root, stage, actions);

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    if (message.type === 'prediction') {
      if (message.id === predictionId) view.showProbabilities(message.probabilities);
      return;
    }
    update(state, message);
    render();
  };
  worker.onerror = (event) => {
    update(state, { type: 'error', message: `The training worker failed to start (${event.message || 'a script error'}). Reload the page.`, retry: 'reload' });
    update(state, { type: 'state', state: 'error' });
    render();
  };
  const absolute = (url: string) => new URL(url, location.href).href;
  send({
    type: 'init',
    config,
    manifestUrl: mnistManifestUrl().href,
    wasmPaths: { 'tfjs-backend-wasm.wasm': absolute(wasmPlain), 'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd), 'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreaded) },
    testIndices: GRID,
    fault: faultFromQuery(query),
  });
  bindKey('T', 'Train: start, pause or resume (live slide)', () => actions.toggle());
  bindKey('R', 'Reset the training: new weights, new run (live slide)', () => actions.reset());
  view.render(state);

  return {
    // Training goes on when the slide is left; the view catches up when it returns.
    show: render,
    dispose() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      worker.terminate();
    },
  };
};
