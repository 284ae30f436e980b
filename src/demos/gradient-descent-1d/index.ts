/**
 * "Gradient descent on one parameter": pick a learning rate by name, step
 * with the clicker (the slide's fragments), play with A, tap the chart to
 * start elsewhere. A link may carry a state (`?gd1=…`, see model.ts).
 */
import type { DemoModule } from '../../contract/demo.ts';
import { reducerController } from '../shared/controller.ts';
import { finished, initialState, reduce, stateFromLink, type Gd1Action, type Gd1State } from './model.ts';
import type { Gd1Params } from './params.ts';
import { createView } from './view.ts';

const demo: DemoModule<Gd1Params, Gd1State, Gd1Action> = {
  initial: ({ params }) => initialState(params),
  view: createView,
  controller: (context) =>
    reducerController<Gd1Params, Gd1State, Gd1Action>(context, {
      reduce,
      step: (shown) => ({ type: 'goto', step: shown }),
      play: { playing: (s) => s.playing, interval: 1100, action: { type: 'tick' } },
      fromLink: (address, initial) => stateFromLink(address.given.gd1 ?? null, initial),
      // At least four steps, so that the still frame shows the descent.
      print: (state, steps) => ({ ...state, step: Math.max(state.step, steps || 4), playing: false }),
      hide: (state) => (state.playing && !finished(state) ? { ...state, playing: false } : state),
    }),
};

export const { initial, view, controller } = demo;
