/**
 * A digit's path, the controller: trains the lecture's network briefly in
 * the page's worker (train-size and epochs in the address change how long),
 * then asks the worker to inspect the digit on screen (a test digit, or the
 * drawing as it takes shape); the session keeps only the latest answer.
 */
import type { Controller, ControllerContext, DemoModule, NoParams } from '../../contract/demo.ts';
import { inputFromStrokes } from '../shared/draw-pad.ts';
import { initialFromAddress, printRecorded, type Shortening } from '../shared/lab-wiring.ts';
import { TrainingSession } from '../shared/session.ts';
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
  if (context.print) return printRecorded(context, async () => (await import('./recorded.ts')).recordedPath(context.initial));
  const session = new TrainingSession<PathState>(context.address, context.initial, {
    prefix: 'path',
    fold: (s, message) => {
      // The test digits come with the first grid of predictions; they are kept, the guesses are not.
      if (message.type === 'test-predictions' && message.run === s.run.id && s.tests.length === 0)
        return { ...s, tests: testsFrom(message.labels, message.images) };
      return update(s, message);
    },
    render: (s) => context.render(s),
    after: (before, after) => {
      if (before.state !== 'done' && after.state === 'done') void inspect();
    },
  });
  /** Asks where the digit on screen goes through the network; only the latest answer is shown. */
  const inspect = async () => {
    const s = session.state;
    if (s.state !== 'done' || !s.run.id) return;
    const test = s.tests[s.testIndex];
    const input = s.source === 'drawn' ? inputFromStrokes(s.strokes) : test ? Float32Array.from(test.image, (v) => v / 255) : undefined;
    if (!input) return;
    const asked = input.slice();
    const inspection = await session.inspect(s.run.id, input, TOP);
    if (inspection && session.state.run.id === s.run.id) session.set(withInspection(session.state, asked, inspection));
  };
  const train = () => {
    const s = session.state;
    session.cancel(s.run.id);
    const run = { ...newRun(s.run.spec), state: 'queued' as const };
    run.id = session.submit({ spec: run.spec, testSize: s.testSize, grid: TESTS });
    session.set({ ...s, run, state: 'training', inspection: undefined, status: { ...s.status, notices: [], error: undefined } });
  };
  const show = (change: Partial<PathState>) => {
    session.set({ ...session.state, ...change });
    void inspect();
  };
  const act = (action: PathAction) => {
    const s = session.state;
    switch (action.type) {
      case 'toggle':
        if (!session.toggle(s.run.id, s.state === 'training' || s.state === 'paused' ? s.state : undefined) && s.state !== 'training')
          train();
        return;
      case 'retry':
        train();
        return;
      case 'reset':
        session.cancel(s.run.id);
        session.set({ ...initialPath(s.run.spec, s.testSize), tests: s.tests, status: { ...s.status, notices: [], error: undefined } });
        return;
      case 'draw':
        show({ source: 'drawn', strokes: action.strokes });
        return;
      case 'clear':
        show({ source: 'test', strokes: [] });
        return;
      case 'test':
        if (s.tests.length === 0) return;
        show({ source: 'test', strokes: [], testIndex: (s.testIndex + action.step + s.tests.length) % s.tests.length });
        return;
    }
  };
  return { act, show: () => session.render(), dispose: () => session.dispose() };
}

const demo: DemoModule<NoParams, PathState, PathAction> = {
  initial: initialFromAddress(initialShortened),
  view: createView,
  controller: pathController,
};

export const { initial, view, controller } = demo;
