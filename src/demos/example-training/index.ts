/**
 * The example training demo's controller: one training session (the page's
 * worker, its run ids, pause and resume, the state folded from its reports),
 * and the demo's one action. Copy this folder to start a worker-backed demo.
 */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { initialFromAddress, printRecorded } from '../shared/lab-wiring.ts';
import { TrainingSession } from '../shared/session.ts';
import { initialExample, update, type ExampleTrainingAction, type ExampleTrainingState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, ExampleTrainingState, ExampleTrainingAction> = {
  initial: initialFromAddress(initialExample),
  view: createView,
  controller(context) {
    // Paper gets the untrained figure; a demo with a recorded run would load it here.
    if (context.print) return printRecorded(context, async () => context.initial);
    const session = new TrainingSession(context.address, context.initial, { prefix: 'example', fold: update, render: context.render });
    const start = () => {
      const s = session.state;
      const id = session.submit({ spec: s.run.spec, testSize: s.testSize });
      session.set({ ...s, state: 'training', run: { ...s.run, id, state: 'queued' }, status: { ...s.status, error: undefined } });
    };
    return {
      act(action) {
        const s = session.state;
        if (action.type === 'retry' || !session.toggle(s.run.id, s.run.state)) start();
      },
      show: () => session.render(),
      dispose: () => session.dispose(),
    };
  },
};

export const { initial, view, controller } = demo;
