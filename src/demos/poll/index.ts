/** A poll's code, loaded on its slide: the state from the slide's parameters, the view, and the controller (controller.ts). */
import type { DemoModule } from '../../contract/demo.ts';
import { pollController } from './controller.ts';
import { initialPoll, type PollAction, type PollState } from './model.ts';
import type { PollParams } from './params.ts';
import { createView } from './view.ts';

const demo: DemoModule<PollParams, PollState, PollAction> = {
  initial: ({ params }) => initialPoll(params),
  view: createView,
  controller: (context) => pollController(context),
};

export const { initial, view, controller } = demo;
