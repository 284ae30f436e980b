/**
 * The live slide: the lecture's MNIST network training in this browser.
 *
 * The controller starts a Web Worker that holds TensorFlow.js, the data and
 * the training loop; it only sends it commands and keeps the state the
 * worker's reports make, which the view draws (and the speaker view
 * mirrors). Keys while the slide is on screen: T starts, pauses and resumes;
 * R resets (new weights, new run). Leaving the slide does not stop
 * training; coming back shows where it is.
 */
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { Controller, ControllerContext, DemoModule } from '../../contract/demo.ts';
import type { LiveParams } from './manifest.ts';
import { mnistManifestUrl } from '../../mnist/url.ts';
import { configFromQuery } from '../../train/config.ts';
import type { FaultSpec, FromWorker, ToWorker } from '../../train/protocol.ts';
import { inputFromStrokes } from './draw.ts';
import { initialState, update, type LiveAction, type LiveState } from './state.ts';
import { createView } from './view.ts';

/** Milliseconds between two drawings of the view while training (four a second). */
const DRAW_INTERVAL = 250;

/** The test digits shown in the grid: fixed (among the first 200, so a shortened run shows them too), so that the audience sees the same ones improve. */
const GRID = Array.from({ length: 24 }, (_, i) => i * 8 + 1);

function faultFromQuery(query: URLSearchParams): FaultSpec | undefined {
  const match = /^(device-lost|nan)@(\d+)$/.exec(query.get('fault') ?? '');
  return match ? { kind: match[1] as FaultSpec['kind'], atStep: Number(match[2]) } : undefined;
}

function initialFromQuery({ query }: { query: URLSearchParams }): LiveState {
  const { config, problems } = configFromQuery(query);
  const state = initialState(config);
  if (problems.length > 0) state.notices = problems.map((p) => `URL parameter ${p}.`);
  return state;
}

function liveController(context: ControllerContext<LiveParams, LiveState>): Controller<LiveAction> {
  const { query, print } = context;
  const state = context.initial;
  let frame = 0;
  let timer = 0;
  let drawnAt = 0;
  let drawnState: LiveState['state'] | undefined;
  // ?charts=off draws nothing while training (the benchmark's "cost of the show").
  const charts = query.get('charts') !== 'off';
  const root = context.root;
  const draw = () => {
    drawnAt = performance.now();
    drawnState = state.state;
    context.render(state);
  };
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
    const urgent = state.state !== 'training' || state.state !== drawnState;
    if (!urgent && (frame !== 0 || timer !== 0)) return;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    timer = 0;
    const wait = urgent ? 0 : Math.max(0, drawnAt + DRAW_INTERVAL - performance.now());
    const next = () => {
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw();
      });
    };
    if (wait === 0) next();
    else
      timer = window.setTimeout(() => {
        timer = 0;
        next();
      }, wait);
  };

  if (print) {
    // A still frame for the PDF (a recorded run replaces this in print.ts when there is one).
    state.notices = ['Live demo: open the deck in a browser and press T on this slide to train the network.'];
    draw();
    return {};
  }

  const worker = new Worker(new URL('../../train/worker.ts', import.meta.url), { type: 'module', name: 'mnist-training' });
  const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
  let predictionId = 0;
  const start = () => send({ type: 'start' });
  const restart = () => {
    send({ type: 'reset' });
    send({ type: 'start' });
  };

  const act = (action: LiveAction): void => {
    switch (action.type) {
      case 'toggle':
        if (state.state === 'idle') start();
        else if (state.state === 'training' || state.state === 'loading') send({ type: 'pause' });
        else if (state.state === 'paused') send({ type: 'resume' });
        else if (state.state === 'done') restart();
        else if (state.state === 'error' && state.error?.retry === 'start') start();
        return;
      case 'reset':
        send({ type: 'reset' });
        return;
      case 'retry':
        if (action.kind === 'start') start();
        else if (action.kind === 'reset') restart();
        else location.reload();
        return;
      case 'draw': {
        state.strokes = action.strokes;
        predictionId += 1;
        const input = inputFromStrokes(action.strokes);
        send({ type: 'predict', id: predictionId, input }, [input.buffer]);
        draw();
        return;
      }
      case 'clear':
        state.strokes = [];
        state.probabilities = undefined;
        predictionId += 1;
        draw();
        return;
    }
  };

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const message = event.data;
    // Only the answer to the latest drawing counts.
    if (message.type === 'prediction' && message.id !== predictionId) return;
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
    config: state.config,
    manifestUrl: mnistManifestUrl().href,
    wasmPaths: { 'tfjs-backend-wasm.wasm': absolute(wasmPlain), 'tfjs-backend-wasm-simd.wasm': absolute(wasmSimd), 'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreaded) },
    testIndices: GRID,
    fault: faultFromQuery(query),
  });
  draw();

  return {
    act,
    // Training goes on when the slide is left; the view catches up when it returns.
    show: render,
    dispose() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      worker.terminate();
    },
  };
}

const demo: DemoModule<LiveParams, LiveState, LiveAction> = { initial: initialFromQuery, view: createView, controller: liveController };

export const { initial, view, controller } = demo;
