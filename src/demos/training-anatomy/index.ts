/** "Anatomy of training": the clicker lights the five steps of the training loop in turn. */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { reducerController } from '../shared/controller.ts';
import { reduce, type AnatomyAction, type AnatomyState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, AnatomyState, AnatomyAction> = {
  initial: () => ({ step: 0 }),
  view: createView,
  controller: (context) => reducerController(context, { reduce, step: (shown) => ({ type: 'goto', step: shown }) }),
};

export const { initial, view, controller } = demo;
