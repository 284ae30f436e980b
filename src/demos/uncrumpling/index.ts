/**
 * "Uncrumpling": a tiny network (four hidden layers of 2 tanh units and a
 * logistic output) trains live on two interleaved half-moons, in plain
 * TypeScript: it starts at once and downloads nothing. The projected deck
 * trains a few steps per frame; mirrors draw the weights it sends.
 */
import type { Controller, DemoModule, NoParams } from '../../contract/demo.ts';
import {
  Adam,
  HIDDEN,
  initialState,
  makeMoons,
  MAX_STEPS,
  POINTS_SEED,
  RATE,
  train,
  type UncrumpleAction,
  type UncrumpleState,
} from './model.ts';
import { createView } from './view.ts';

const STEPS_PER_FRAME = 4;
/** The still frame for print: a trained network. */
const PRINT_STEPS = 600;

const demo: DemoModule<NoParams, UncrumpleState, UncrumpleAction> = {
  initial: () => initialState(),
  view: createView,
  controller(context): Controller<UncrumpleAction> {
    const points = makeMoons(POINTS_SEED);
    let state = context.initial;
    let optimizer = new Adam(state.params, RATE);
    let frame = 0;
    // With reduced motion, fewer and bigger updates instead of a continuous animation.
    const perTick = context.reducedMotion ? STEPS_PER_FRAME * 5 : STEPS_PER_FRAME;

    const set = (next: UncrumpleState) => {
      state = next;
      context.render(state);
    };
    const tick = () => {
      if (!state.running) return;
      train(state.params, points, optimizer, perTick);
      const step = state.step + perTick;
      set({ ...state, step, running: step < MAX_STEPS });
      if (state.running) frame = context.reducedMotion ? window.setTimeout(tick, 500) : requestAnimationFrame(tick);
    };
    const pause = () => {
      cancelAnimationFrame(frame);
      clearTimeout(frame);
      if (state.running) set({ ...state, running: false });
    };
    const act = (action: UncrumpleAction) => {
      switch (action.type) {
        case 'toggle':
          if (state.running) pause();
          else if (state.step < MAX_STEPS) {
            set({ ...state, running: true });
            tick();
          }
          return;
        case 'reset': {
          pause();
          // The next seed, not a random one: every run can be reproduced.
          const next = initialState(state.seed + 1);
          optimizer = new Adam(next.params, RATE);
          set({ ...next, layer: state.layer });
          return;
        }
        case 'layer':
          set({ ...state, layer: Math.max(0, Math.min(HIDDEN, Math.round(action.layer))) });
          return;
      }
    };
    context.render(state);
    return {
      act,
      hide: pause,
      dispose: pause,
      print() {
        train(state.params, points, optimizer, PRINT_STEPS);
        set({ ...state, step: PRINT_STEPS, running: false });
      },
    };
  },
};

export const { initial, view, controller } = demo;
