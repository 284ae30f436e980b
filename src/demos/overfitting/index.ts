/**
 * Overfitting's controller: sends the two runs to the page's training
 * worker (500 images first, then 60,000), asks for the training accuracy
 * after each epoch besides the test accuracy, and feeds the reports in.
 * train-size, test-size and epochs in the address shorten it.
 */
import type { Controller, ControllerContext, DemoModule, NoParams } from '../../contract/demo.ts';
import { trainingClient } from '../../train/client.ts';
import { configFromQuery } from '../../train/config.ts';
import { current, initialOverfit, RUNS, TRAIN_EVAL, update, type OverfitAction, type OverfitState, type Shortening } from './model.ts';
import { createView } from './view.ts';

function shortening(query: URLSearchParams): { shortening: Shortening; problems: string[] } {
  const { config, problems } = configFromQuery(query);
  return {
    shortening: {
      ...(query.has('test-size') ? { testSize: config.testSize } : {}),
      ...(query.has('train-size') ? { trainSize: config.trainSize } : {}),
      ...(query.has('epochs') ? { epochs: config.epochs } : {}),
    },
    problems,
  };
}

function initialFromQuery({ query }: { query: URLSearchParams }): OverfitState {
  const { shortening: s, problems } = shortening(query);
  const state = initialOverfit(s);
  state.status.notices = problems.map((p) => `URL parameter ${p}.`);
  return state;
}

function overfitController(context: ControllerContext<NoParams, OverfitState>): Controller<OverfitAction> {
  const { query, print } = context;
  const state = context.initial;
  const draw = () => context.render(state);
  if (print) {
    return {
      async print() {
        const { recordedOverfit } = await import('./recorded.ts');
        context.render(recordedOverfit(state));
      },
    };
  }
  const short = shortening(query).shortening;
  const fresh = (): OverfitState => ({ ...initialOverfit(short), status: { ...state.status, notices: [], error: undefined } });
  const client = trainingClient(query);
  const ids = () => RUNS.map((r) => state.runs[r.key].id).filter((id): id is string => id !== undefined);
  const cancelAll = () => {
    for (const id of ids()) client.send({ type: 'cancel', run: id });
  };
  const start = () => {
    cancelAll();
    Object.assign(state, fresh(), { state: 'training' });
    for (const r of RUNS) {
      const run = state.runs[r.key];
      run.id = client.nextId(`overfit-${r.key}`);
      run.state = 'queued';
      client.send({ type: 'submit', run: { id: run.id, spec: run.spec, testSize: state.testSize, trainEval: TRAIN_EVAL } });
    }
    draw();
  };
  const act = (action: OverfitAction) => {
    const now = current(state);
    const run = now ? state.runs[now] : undefined;
    switch (action.type) {
      case 'toggle':
        if (state.state === 'training' && run?.id) client.send({ type: 'pause', run: run.id });
        else if (state.state === 'paused' && run?.id) client.send({ type: 'resume', run: run.id });
        else if (state.state !== 'training') start();
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

const demo: DemoModule<NoParams, OverfitState, OverfitAction> = { initial: initialFromQuery, view: createView, controller: overfitController };

export const { initial, view, controller } = demo;
