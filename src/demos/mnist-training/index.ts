/**
 * The live slide: the lecture's MNIST network training in this browser, and
 * then, run after run, what changes when one thing changes.
 *
 * The controller submits runs to the page's training worker (shared with
 * the other training demos, src/train/client.ts) and keeps the state its
 * reports make, which the view draws and the speaker view mirrors. Keys
 * while the slide is on screen: T starts, pauses and resumes (and, after a
 * run, trains the panel's next run beside it); R cancels the run on the
 * charts (new weights, new seed). Leaving the slide does not stop training.
 *
 * With no parameters the slide is exactly the Keras program. A link may
 * shorten it (train-size, test-size, epochs, backend: src/train/config.ts)
 * or prepare a comparison (`?runs=keras~opt:sgd,lr:0.01`, runs.ts), whose
 * runs train one after another from the first T.
 */
import type { Controller, ControllerContext, DemoModule } from '../../contract/demo.ts';
import { trainingClient } from '../../train/client.ts';
import { configFromQuery } from '../../train/config.ts';
import type { RunSpec } from '../../train/spec.ts';
import { inputFromStrokes } from '../shared/draw-pad.ts';
import type { LiveParams } from './manifest.ts';
import { change, decodeRuns } from './runs.ts';
import { beginRun, discardRun, initialState, update, type LiveAction, type LiveState } from './state.ts';
import { createView } from './view.ts';

/** Milliseconds between two drawings of the view while training (four a second). */
const DRAW_INTERVAL = 250;

/** The test digits shown in the grid: fixed (among the first 200, so a shortened run shows them too), so that the audience sees the same ones improve. */
const GRID = Array.from({ length: 24 }, (_, i) => i * 8 + 1);

/** Hidden units whose first-layer weights are drawn: eight, spread over the layer. */
export function templateUnits(spec: RunSpec): number[] | 'classes' | undefined {
  const first = spec.model.layers[0];
  if (!first) return 'classes';
  if (first.type !== 'dense') return undefined;
  return Array.from({ length: Math.min(8, first.units) }, (_, i) => Math.floor(((i + 0.5) * first.units) / Math.min(8, first.units)));
}

function initialFromQuery({ query }: { query: URLSearchParams }): LiveState {
  const { config, problems } = configFromQuery(query);
  const { testSize: _t, backends: _b, loop: _l, ...base } = config;
  const links = decodeRuns(query.get('runs'), base);
  const state = initialState(config, links.runs);
  const all = [...problems, ...links.problems];
  if (all.length > 0) state.notices = all.map((p) => `URL parameter ${p}.`);
  return state;
}

function liveController(context: ControllerContext<LiveParams, LiveState>): Controller<LiveAction> {
  const { query, print, root } = context;
  const state = context.initial;
  let frame = 0;
  let timer = 0;
  let drawnAt = 0;
  let drawnState: LiveState['state'] | undefined;
  // ?charts=off draws nothing while training (the benchmark's "cost of the show").
  const charts = query.get('charts') !== 'off';
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
      // The benchmark reads which backend trains, charts or not.
      if (state.backend) Object.assign(root.dataset, { backend: state.backend, threads: String(state.threads) });
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
    return {
      async print() {
        // A still frame for the PDF: a finished run recorded under Node (bench/record-run.ts), said to be one.
        const { recordedState } = await import('./recorded.ts');
        context.render(recordedState(state));
      },
    };
  }

  const client = trainingClient(query);
  let predictionId = 0;
  const loop = query.get('loop') === 'stock' ? 'stock' : undefined;

  const start = (spec: RunSpec) => {
    const id = client.nextId('live');
    beginRun(state, id, spec);
    const templates = templateUnits(spec);
    client.send({
      type: 'submit',
      run: { id, spec, testSize: state.config.testSize, grid: GRID, ...(templates ? { templates } : {}), ...(loop ? { loop } : {}) },
    });
    draw();
  };
  /** The next run: the first a link still asks for, else the panel's. */
  const startNext = () => start(state.pending.shift() ?? state.next);

  const act = (action: LiveAction): void => {
    switch (action.type) {
      case 'toggle':
        if (state.state === 'idle' || state.state === 'done') startNext();
        else if (state.run && (state.state === 'training' || state.state === 'loading' || state.state === 'queued'))
          client.send({ type: 'pause', run: state.run });
        else if (state.run && state.state === 'paused') client.send({ type: 'resume', run: state.run });
        else if (state.state === 'error' && state.error?.retry === 'start') start(state.config);
        return;
      case 'reset':
        if (state.run) client.send({ type: 'cancel', run: state.run });
        // New weights: the next run gets the next seed.
        state.next = { ...state.next, seed: state.next.seed + 1 };
        discardRun(state);
        draw();
        return;
      case 'retry':
        if (action.kind === 'start' || action.kind === 'reset') start(state.config);
        else location.reload();
        return;
      case 'set':
        state.next = change(state.next, action.change);
        draw();
        return;
      case 'remove':
        state.history = state.history.filter((r) => r.id !== action.run);
        draw();
        return;
      case 'draw': {
        state.strokes = action.strokes;
        predictionId += 1;
        const input = inputFromStrokes(action.strokes);
        client.send({ type: 'predict', run: state.run ?? '', id: predictionId, input }, [input.buffer]);
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

  const unlisten = client.listen((message) => {
    // Only the answer to the latest drawing counts.
    if (message.type === 'prediction' && message.id !== predictionId) return;
    if (message.type === 'inspection') return;
    const ours = !('run' in message) || message.run === undefined || message.run === state.run;
    update(state, message);
    // A prepared comparison: when one of its runs is done, the next starts.
    if (ours && message.type === 'state' && message.state === 'done' && state.pending.length > 0) startNext();
    render();
  });
  if (client.backend) update(state, client.backend);
  draw();

  return {
    act,
    // Training goes on when the slide is left; the view catches up when it returns.
    show: render,
    dispose() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      unlisten();
      if (state.run) client.send({ type: 'cancel', run: state.run });
    },
  };
}

const demo: DemoModule<LiveParams, LiveState, LiveAction> = { initial: initialFromQuery, view: createView, controller: liveController };

export const { initial, view, controller } = demo;
