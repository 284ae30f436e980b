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
import { initialFromAddress, printRecorded, shorteningOf } from '../shared/lab-wiring.ts';
import { TrainingSession } from '../shared/session.ts';
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
  if (context.print) return printRecorded(context, async () => (await import('./recorded.ts')).recordedShortcut(context.initial));
  const session = new TrainingSession<ShortcutState>(context.address, context.initial, {
    prefix: 'ruler',
    fold: (s, message) => {
      if (message.type === 'test-predictions' && message.run === s.run.id && s.examples.length === 0)
        return { ...s, examples: examplesFrom(message.labels, message.images) };
      return update(s, message);
    },
    render: (s) => context.render(s),
    after: (before, after) => {
      if (before.state !== 'done' && after.state === 'done') void look(after.ruler === 'on');
    },
  });

  /**
   * Asks where the network looks on the example on screen. After the ruler
   * run (`search`), the slide looks for a stamped digit that the network
   * calls a zero, so that the saliency map shows the shortcut at work: it
   * steps through the examples until one is, or all have been seen. The
   * ruler-free run then shows the same digit.
   */
  const look = async (search: boolean) => {
    for (let left = search ? session.state.examples.length : 1; left > 0; left--) {
      const s = session.state;
      const input = exampleInput(s);
      if (!input || s.run.state !== 'done' || !s.run.id) return;
      const inspection = await session.inspect(s.run.id, input, 0);
      const now = session.state;
      // Superseded by another question, a new run, or another example chosen meanwhile.
      if (!inspection || now.run.id !== s.run.id || now.exampleIndex !== s.exampleIndex) return;
      if (!search || inspection.classIndex === RULER_CLASS || left === 1) {
        session.set(withInspection(now, s.exampleIndex, inspection));
        return;
      }
      session.set({ ...now, exampleIndex: (now.exampleIndex + 1) % now.examples.length });
    }
  };

  const train = (ruler: 'on' | 'off', before = session.state.before) => {
    const s = session.state;
    session.cancel(s.run.id);
    const run = { ...newRun(s.run.spec), state: 'queued' as const };
    run.id = session.submit(
      {
        spec: run.spec,
        testSize: s.testSize,
        trainEval: run.spec.trainSize,
        grid: EXAMPLES,
        stamp: ruler === 'on' ? RULER : { ...RULER, rate: 0 },
        marked: true,
      },
      ruler,
    );
    session.set({
      ...s,
      run,
      ruler,
      before,
      state: 'training',
      inspection: undefined,
      status: { ...s.status, notices: [], error: undefined },
    });
  };

  const act = (action: ShortcutAction) => {
    const s = session.state;
    switch (action.type) {
      case 'toggle':
        if (!session.toggle(s.run.id, s.state === 'training' || s.state === 'paused' ? s.state : undefined) && s.state !== 'training')
          train(s.ruler, s.ruler === 'on' ? undefined : s.before);
        return;
      case 'retry':
        train(s.ruler);
        return;
      case 'remove-ruler':
        if (s.ruler === 'on' && s.state === 'done') train('off', s.run);
        return;
      case 'reset':
        session.cancel(s.run.id);
        session.set({
          ...initialShortcut(shorteningOf(context.address)),
          examples: s.examples,
          status: { ...s.status, notices: [], error: undefined },
        });
        return;
      case 'example':
        if (s.examples.length === 0) return;
        session.set({ ...s, exampleIndex: (s.exampleIndex + action.step + s.examples.length) % s.examples.length });
        void look(false);
        return;
    }
  };
  return { act, show: () => session.render(), dispose: () => session.dispose() };
}

const demo: DemoModule<NoParams, ShortcutState, ShortcutAction> = {
  initial: initialFromAddress(initialShortcut),
  view: createView,
  controller: shortcutController,
};

export const { initial, view, controller } = demo;
