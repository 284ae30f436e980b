/**
 * The live slide: the lecture's MNIST network training in this browser, and
 * then, run after run, what changes when one thing changes.
 *
 * The controller submits runs to the page's training worker (shared with
 * the other training demos, src/train/page/client.ts) and keeps the state its
 * reports make, which the view draws and the speaker view mirrors. Keys
 * while the slide is on screen: T starts, pauses and resumes (and, after a
 * run, trains the panel's next run beside it); R cancels the run on the
 * charts (new weights, new seed). Leaving the slide does not stop training.
 *
 * With no parameters the slide is exactly the Keras program. A link may
 * shorten it (train-size, test-size, epochs, backend: src/train/model/config.ts)
 * or prepare a comparison (`?runs=keras~opt:sgd,lr:0.01`, runs.ts), whose
 * runs train one after another from the first T.
 */
import type { Controller, ControllerContext, DemoModule } from '../../contract/demo.ts';
import { problemsWith, TRAINING_PARAMS, type Address } from '../../address.ts';
import { configFromAddress } from '../../train/model/config.ts';
import type { RunSpec } from '../../train/model/spec.ts';
import { inputFromStrokes } from '../shared/draw-pad.ts';
import type { LiveParams } from './params.ts';
import { change, decodeRuns } from './runs.ts';
import { TrainingSession } from '../shared/session.ts';
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

function initialFromAddress({ address }: { address: Address }): LiveState {
  const config = configFromAddress(address.given);
  const problems = problemsWith(address, [...TRAINING_PARAMS, 'runs', 'loop', 'charts']);
  const { testSize: _t, backends: _b, loop: _l, ...base } = config;
  const links = decodeRuns(address.given.runs ?? null, base);
  const state = initialState(config, links.runs);
  const all = [...problems, ...links.problems.map((p) => `URL parameter ${p}.`)];
  return all.length > 0 ? { ...state, notices: all } : state;
}

function liveController(context: ControllerContext<LiveParams, LiveState>): Controller<LiveAction> {
  const { address, print, root } = context;
  if (print) {
    return {
      async print() {
        // A still frame for the PDF: a finished run recorded under Node (bench/record-run.ts), said to be one.
        const { recordedState } = await import('./recorded.ts');
        context.render(recordedState(context.initial));
      },
    };
  }
  let frame = 0;
  let timer = 0;
  let drawnAt = 0;
  let drawnState: LiveState['state'] | undefined;
  // ?charts=off draws nothing while training (the benchmark's "cost of the show").
  const charts = address.given.charts !== 'off';
  const draw = (s: LiveState) => {
    drawnAt = performance.now();
    drawnState = s.state;
    context.render(s);
  };
  const render = (s: LiveState) => {
    if (!charts && (s.state === 'training' || s.state === 'loading')) {
      root.dataset.state = s.state;
      root.dataset.step = String(s.steps.at(-1) ?? 0);
      root.dataset.examplesPerSecond = s.examplesPerSecond.toFixed(1);
      // The benchmark reads which backend trains, charts or not.
      if (s.backend) Object.assign(root.dataset, { backend: s.backend, threads: String(s.threads) });
      return;
    }
    // While training, batch reports arrive many times a second (every four
    // steps); drawing each one would spend the CPU that training needs, on a
    // machine where the two share it. The view is drawn at most every
    // DRAW_INTERVAL ms then, and at once whenever the state itself changes.
    const urgent = s.state !== 'training' || s.state !== drawnState;
    if (!urgent && (frame !== 0 || timer !== 0)) return;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    timer = 0;
    const wait = urgent ? 0 : Math.max(0, drawnAt + DRAW_INTERVAL - performance.now());
    const next = () => {
      frame = requestAnimationFrame(() => {
        frame = 0;
        draw(session.state);
      });
    };
    if (wait === 0) next();
    else
      timer = window.setTimeout(() => {
        timer = 0;
        next();
      }, wait);
  };

  const loop = address.given.loop === 'stock' ? 'stock' : undefined;
  const session: TrainingSession<LiveState> = new TrainingSession(address, context.initial, {
    prefix: 'live',
    fold: update,
    render,
    // A prepared comparison: when one of its runs is done, the next starts.
    after: (before, after, message) => {
      if (message.type === 'state' && message.state === 'done' && message.run === before.run && after.pending.length > 0) startNext();
    },
  });

  const start = (spec: RunSpec, from: LiveState = session.state) => {
    const templates = templateUnits(spec);
    const id = session.submit({
      spec,
      testSize: from.config.testSize,
      grid: GRID,
      ...(templates ? { templates } : {}),
      ...(loop ? { loop } : {}),
    });
    const next = beginRun(from, id, spec);
    session.set(next);
    draw(next);
  };
  /** The next run: the first a link still asks for, else the panel's. */
  const startNext = () => {
    const s = session.state;
    const [first, ...rest] = s.pending;
    start(first ?? s.next, first ? { ...s, pending: rest } : s);
  };

  const act = (action: LiveAction): void => {
    const s = session.state;
    switch (action.type) {
      case 'toggle':
        if (s.state === 'idle' || s.state === 'done') startNext();
        else if (!session.toggle(s.run, s.state) && s.state === 'error' && s.error?.retry === 'start') start(s.config);
        return;
      case 'reset': {
        session.cancel(s.run);
        // New weights: the next run gets the next seed.
        const next = discardRun({ ...s, next: { ...s.next, seed: s.next.seed + 1 } });
        session.set(next);
        return;
      }
      case 'retry':
        if (action.kind === 'start' || action.kind === 'reset') start(s.config);
        else location.reload();
        return;
      case 'set':
        session.set({ ...s, next: change(s.next, action.change) });
        return;
      case 'remove':
        session.set({ ...s, history: s.history.filter((r) => r.id !== action.run) });
        return;
      case 'draw': {
        session.set({ ...s, strokes: action.strokes });
        void session.predict(s.run ?? '', inputFromStrokes(action.strokes)).then((probabilities) => {
          if (probabilities) session.set({ ...session.state, probabilities: Array.from(probabilities) });
        });
        return;
      }
      case 'clear':
        session.forget('predict');
        session.set({ ...s, strokes: [], probabilities: undefined });
        return;
    }
  };

  return {
    act,
    // Training goes on when the slide is left; the view catches up when it returns.
    show: () => session.render(),
    dispose() {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      session.dispose();
    },
  };
}

const demo: DemoModule<LiveParams, LiveState, LiveAction> = { initial: initialFromAddress, view: createView, controller: liveController };

export const { initial, view, controller } = demo;
