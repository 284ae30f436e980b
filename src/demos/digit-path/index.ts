/**
 * A digit's path, the controller: trains the lecture's network briefly in
 * the page's worker (train-size and epochs in the address change how long),
 * then asks the worker to inspect the digit on screen (a test digit, or the
 * drawing as it takes shape) and keeps only the answer to the latest ask.
 */
import type { Controller, ControllerContext, DemoModule, NoParams } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { inputFromStrokes } from '../shared/draw-pad.ts';
import { connectClient, initialFromQuery, printRecorded, type Shortening } from '../shared/lab-wiring.ts';
import { newRun } from '../shared/trained-run.ts';
import { initialPath, SPEC, TESTS, TEST_SIZE, testsFrom, TOP, update, withInspection, type PathAction, type PathState } from './model.ts';
import { createView } from './view.ts';

/** The brief run, shortened or lengthened by the address. */
function initialShortened(s: Shortening): PathState {
  return initialPath(
    { ...SPEC, ...(s.trainSize ? { trainSize: s.trainSize } : {}), ...(s.epochs ? { epochs: s.epochs } : {}) },
    s.testSize ?? TEST_SIZE,
  );
}

function pathController(context: ControllerContext<NoParams, PathState>): Controller<PathAction> {
  const { query, print } = context;
  const state = context.initial;
  const draw = () => context.render(state);
  if (print) return printRecorded(context, async () => (await import('./recorded.ts')).recordedPath(state));
  let asked = 0;
  let askedInput: Float32Array | undefined;
  const inspect = () => {
    if (state.state !== 'done' || !state.run.id) return;
    const test = state.tests[state.testIndex];
    const input =
      state.source === 'drawn' ? inputFromStrokes(state.strokes) : test ? Float32Array.from(test.image, (v) => v / 255) : undefined;
    if (!input) return;
    asked += 1;
    askedInput = input.slice();
    client.send({ type: 'inspect', run: state.run.id, id: asked, input, top: TOP }, [input.buffer]);
  };
  const train = () => {
    if (state.run.id) client.send({ type: 'cancel', run: state.run.id });
    const run = newRun(state.run.spec);
    run.id = client.nextId('path');
    run.state = 'queued';
    Object.assign(state, { run, state: 'training', inspection: undefined, status: { ...state.status, notices: [], error: undefined } });
    client.send({ type: 'submit', run: { id: run.id, spec: run.spec, testSize: state.testSize, grid: TESTS } });
    draw();
  };
  const act = (action: PathAction) => {
    switch (action.type) {
      case 'toggle':
        if (state.state === 'training' && state.run.id) client.send({ type: 'pause', run: state.run.id });
        else if (state.state === 'paused' && state.run.id) client.send({ type: 'resume', run: state.run.id });
        else if (state.state !== 'training') train();
        return;
      case 'retry':
        train();
        return;
      case 'reset':
        if (state.run.id) client.send({ type: 'cancel', run: state.run.id });
        Object.assign(state, {
          ...initialPath(state.run.spec, state.testSize),
          tests: state.tests,
          status: { ...state.status, notices: [], error: undefined },
        });
        draw();
        return;
      case 'draw':
        state.source = 'drawn';
        state.strokes = action.strokes;
        draw();
        inspect();
        return;
      case 'clear':
        state.strokes = [];
        state.source = 'test';
        draw();
        inspect();
        return;
      case 'test':
        if (state.tests.length === 0) return;
        state.source = 'test';
        state.strokes = [];
        state.testIndex = (state.testIndex + action.step + state.tests.length) % state.tests.length;
        draw();
        inspect();
        return;
    }
  };
  /** Folds a report into the state; says whether to draw. */
  const onMessage = (message: FromWorker): boolean => {
    if (message.type === 'inspection') {
      if (message.id !== asked || message.run !== state.run.id || !askedInput) return false;
      withInspection(state, askedInput, message.inspection);
      return true;
    }
    if (message.type === 'test-predictions' && message.run === state.run.id) {
      if (state.tests.length === 0) state.tests = testsFrom(message.labels, message.images);
      return false;
    }
    if (!update(state, message)) return false;
    if (message.type === 'state' && message.state === 'done') inspect();
    return true;
  };
  const { client, unlisten } = connectClient(query, state, update, draw, onMessage);
  return {
    act,
    show: draw,
    dispose() {
      unlisten();
      if (state.run.id) client.send({ type: 'cancel', run: state.run.id });
    },
  };
}

const demo: DemoModule<NoParams, PathState, PathAction> = {
  initial: initialFromQuery(initialShortened),
  view: createView,
  controller: pathController,
};

export const { initial, view, controller } = demo;
