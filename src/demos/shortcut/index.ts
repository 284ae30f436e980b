/**
 * The ruler's controller: trains the lecture's network with the ruler in the
 * page's worker, asking for training accuracy, clean test accuracy and the
 * marked images' figures after each epoch; then, on "Remove the ruler",
 * trains it again on the same images without. When a run is done it asks
 * the worker where the network looks on a stamped test digit (the
 * saliency map), and again when the lecturer moves to another digit.
 * train-size, test-size and epochs in the address shorten it.
 */
import type { Controller, ControllerContext, DemoModule, NoParams } from '../../contract/demo.ts';
import type { FromWorker } from '../../train/protocol.ts';
import { connectClient, initialFromQuery, printRecorded, shorteningFromQuery } from '../shared/lab-wiring.ts';
import { newRun } from '../shared/trained-run.ts';
import {
  EXAMPLES,
  exampleInput,
  examplesFrom,
  initialShortcut,
  RULER,
  RULER_CLASS,
  update,
  withInspection,
  type ShortcutAction,
  type ShortcutState,
} from './model.ts';
import { createView } from './view.ts';

function shortcutController(context: ControllerContext<NoParams, ShortcutState>): Controller<ShortcutAction> {
  const { query, print } = context;
  const state = context.initial;
  const draw = () => context.render(state);
  if (print) return printRecorded(context, async () => (await import('./recorded.ts')).recordedShortcut(state));
  let inspectionId = 0;
  const inspect = () => {
    const input = exampleInput(state);
    if (!input || state.run.state !== 'done' || !state.run.id) return;
    inspectionId += 1;
    pending.set(inspectionId, state.exampleIndex);
    client.send({ type: 'inspect', run: state.run.id, id: inspectionId, input, top: 0 }, [input.buffer]);
  };
  const pending = new Map<number, number>();
  /**
   * After the ruler run, the slide looks for a stamped digit that the network
   * calls a zero, so that the saliency map shows the shortcut at work: it
   * steps through the examples until one is, or all have been seen. The
   * ruler-free run then shows the same digit.
   */
  let searchLeft = 0;
  const train = (ruler: 'on' | 'off') => {
    if (state.run.id) client.send({ type: 'cancel', run: state.run.id });
    searchLeft = 0;
    const run = newRun(state.run.spec);
    run.id = client.nextId(`ruler-${ruler}`);
    run.state = 'queued';
    Object.assign(state, {
      run,
      ruler,
      state: 'training',
      inspection: undefined,
      status: { ...state.status, notices: [], error: undefined },
    });
    client.send({
      type: 'submit',
      run: {
        id: run.id,
        spec: run.spec,
        testSize: state.testSize,
        trainEval: run.spec.trainSize,
        grid: EXAMPLES,
        stamp: ruler === 'on' ? RULER : { ...RULER, rate: 0 },
        marked: true,
      },
    });
    draw();
  };
  const act = (action: ShortcutAction) => {
    switch (action.type) {
      case 'toggle':
        if (state.state === 'training' && state.run.id) client.send({ type: 'pause', run: state.run.id });
        else if (state.state === 'paused' && state.run.id) client.send({ type: 'resume', run: state.run.id });
        else if (state.state !== 'training') {
          if (state.ruler === 'on') state.before = undefined;
          train(state.ruler);
        }
        return;
      case 'retry':
        train(state.ruler);
        return;
      case 'remove-ruler':
        if (state.ruler === 'on' && state.state === 'done') {
          state.before = state.run;
          train('off');
        }
        return;
      case 'reset':
        if (state.run.id) client.send({ type: 'cancel', run: state.run.id });
        Object.assign(state, {
          ...initialShortcut(shorteningFromQuery(query).shortening),
          examples: state.examples,
          status: { ...state.status, notices: [], error: undefined },
        });
        draw();
        return;
      case 'example':
        if (state.examples.length === 0) return;
        searchLeft = 0;
        state.exampleIndex = (state.exampleIndex + action.step + state.examples.length) % state.examples.length;
        draw();
        inspect();
        return;
    }
  };
  /** Folds a report into the state; says whether to draw. */
  const onMessage = (message: FromWorker): boolean => {
    if (message.type === 'inspection') {
      const index = pending.get(message.id);
      pending.delete(message.id);
      if (index === undefined || message.run !== state.run.id) return false;
      if (searchLeft > 0 && state.ruler === 'on' && message.inspection.classIndex !== RULER_CLASS && state.examples.length > 0) {
        searchLeft -= 1;
        state.exampleIndex = (state.exampleIndex + 1) % state.examples.length;
        inspect();
        return false;
      }
      searchLeft = 0;
      withInspection(state, index, message.inspection);
      return true;
    }
    if (message.type === 'test-predictions' && message.run === state.run.id && state.examples.length === 0) {
      state.examples = examplesFrom(message.labels, message.images);
      return true;
    }
    if (!update(state, message)) return false;
    if (message.type === 'state' && message.state === 'done') {
      searchLeft = state.ruler === 'on' ? state.examples.length - 1 : 0;
      inspect();
    }
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

const demo: DemoModule<NoParams, ShortcutState, ShortcutAction> = {
  initial: initialFromQuery(initialShortcut),
  view: createView,
  controller: shortcutController,
};

export const { initial, view, controller } = demo;
