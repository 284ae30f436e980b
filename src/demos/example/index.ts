/** The example demo's code: the pure reducer, the view, and the shared reducer controller. */
import type { DemoModule } from '../../contract/demo.ts';
import { reducerController } from '../shared/controller.ts';
import type { ExampleParams } from './params.ts';
import { reduce, type CounterAction, type CounterState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<ExampleParams, CounterState, CounterAction> = {
  initial: ({ params }) => ({ count: params.start }),
  view: createView,
  // Each clicker step adds one: step n shows start + n.
  controller: (context) =>
    reducerController<ExampleParams, CounterState, CounterAction>(context, {
      reduce,
      step: (shown) => ({ type: 'goto', count: context.params.start + shown }),
    }),
};

export const { initial, view, controller } = demo;
