/**
 * The model comparison's controller: sends the three runs to the page's
 * training worker (which trains them one after another, after any other
 * demo's run), pauses and resumes the one training, and feeds the reports
 * into the state. Training goes on when the slide is left, so a lecturer can
 * start it, move on, and come back to the results.
 *
 * The address shortens it as it does the live slide: train-size, test-size,
 * epochs and backend.
 */
import type { Controller, ControllerContext, DemoModule, NoParams } from '../../contract/demo.ts';
import { trainingClient } from '../../train/client.ts';
import { configFromQuery } from '../../train/config.ts';
import { current, initialComparison, MODELS, update, type ComparisonAction, type ComparisonState, type Shortening } from './model.ts';
import { createView } from './view.ts';

function shortening(query: URLSearchParams): { shortening: Shortening; problems: string[] } {
  const { config, problems } = configFromQuery(query);
  return {
    shortening: {
      testSize: config.testSize,
      ...(query.has('train-size') ? { trainSize: config.trainSize } : {}),
      ...(query.has('epochs') ? { epochs: config.epochs } : {}),
    },
    problems,
  };
}

function initialFromQuery({ query }: { query: URLSearchParams }): ComparisonState {
  const { shortening: s, problems } = shortening(query);
  const state = initialComparison(s);
  state.status.notices = problems.map((p) => `URL parameter ${p}.`);
  return state;
}

function comparisonController(context: ControllerContext<NoParams, ComparisonState>): Controller<ComparisonAction> {
  const { query, print } = context;
  const state = context.initial;
  const short = shortening(query).shortening;
  /** Back to "not trained yet", keeping the backend the worker reported. */
  const fresh = (): ComparisonState => ({ ...initialComparison(short), status: { ...state.status, notices: [], error: undefined } });
  const draw = () => context.render(state);
  if (print) {
    return {
      async print() {
        const { recordedComparison } = await import('./recorded.ts');
        context.render(recordedComparison(state));
      },
    };
  }
  const client = trainingClient(query);
  const ids = () => MODELS.map((m) => state.runs[m.key].id).filter((id): id is string => id !== undefined);
  const cancelAll = () => {
    for (const id of ids()) client.send({ type: 'cancel', run: id });
  };
  const start = () => {
    cancelAll();
    Object.assign(state, fresh(), { state: 'training' });
    for (const m of MODELS) {
      const run = state.runs[m.key];
      run.id = client.nextId(`compare-${m.key}`);
      run.state = 'queued';
      client.send({ type: 'submit', run: { id: run.id, spec: run.spec, testSize: state.testSize } });
    }
    draw();
  };
  const act = (action: ComparisonAction) => {
    const now = current(state);
    const run = now ? state.runs[now] : undefined;
    switch (action.type) {
      case 'toggle':
        if (state.state === 'idle' || state.state === 'done') start();
        else if (state.state === 'training' && run?.id) client.send({ type: 'pause', run: run.id });
        else if (state.state === 'paused' && run?.id) client.send({ type: 'resume', run: run.id });
        else if (state.state === 'error') start();
        return;
      case 'retry':
        start();
        return;
      case 'reset':
        cancelAll();
        Object.assign(state, fresh());
        draw();
        return;
    }
  };
  const unlisten = client.listen((message) => {
    if (update(state, message)) draw();
  });
  if (client.backend) update(state, client.backend);
  draw();
  return {
    act,
    show: draw,
    dispose() {
      unlisten();
      cancelAll();
    },
  };
}

const demo: DemoModule<NoParams, ComparisonState, ComparisonAction> = { initial: initialFromQuery, view: createView, controller: comparisonController };

export const { initial, view, controller } = demo;
