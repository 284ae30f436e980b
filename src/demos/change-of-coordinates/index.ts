/** "The change of coordinates": the clicker (or the button) turns the axes. */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { reducerController } from '../shared/controller.ts';
import { reduce, type CoordinatesAction, type CoordinatesState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, CoordinatesState, CoordinatesAction> = {
  initial: () => ({ turned: false }),
  view: createView,
  controller: (context) => reducerController(context, { reduce, step: (shown) => ({ type: 'set', turned: shown > 0 }) }),
};

export const { initial, view, controller } = demo;
