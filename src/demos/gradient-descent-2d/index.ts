/**
 * "Gradient descent on two parameters": full-batch and mini-batch stochastic
 * gradient descent side by side on the contour lines of a regression loss.
 * Learning rate, batch size, momentum; each clicker step takes three steps
 * of descent; A plays; tap the plot to start elsewhere. A link may carry a
 * state (`?gd2=…`, see model.ts).
 */
import type { DemoModule } from '../../contract/demo.ts';
import { reducerController } from '../shared/controller.ts';
import { initialState, reduce, stateFromLink, type Gd2Action, type Gd2Params, type Gd2State } from './model.ts';
import { createView } from './view.ts';

/** Steps of descent per clicker step: enough for the two paths to part visibly. */
const STEPS_PER_CLICK = 3;

const demo: DemoModule<Gd2Params, Gd2State, Gd2Action> = {
  initial: ({ params }) => initialState(params),
  view: createView,
  controller: (context) =>
    reducerController<Gd2Params, Gd2State, Gd2Action>(context, {
      reduce: (state, action) => reduce(state, action),
      step: (shown) => ({ type: 'goto', step: shown * STEPS_PER_CLICK }),
      play: { playing: (s) => s.playing, interval: 250, action: { type: 'tick' } },
      fromLink: (address, initial) => stateFromLink(address.given.gd2 ?? null, initial),
      print: (state, steps) => ({ ...state, step: Math.max(state.step, (steps || 4) * STEPS_PER_CLICK), playing: false }),
      hide: (state) => (state.playing ? { ...state, playing: false } : state),
    }),
};

export const { initial, view, controller } = demo;
