/**
 * Overfitting's controller: sends the two runs to the page's training
 * worker (500 images first, then 60,000), asks for the training accuracy
 * after each epoch besides the test accuracy, and feeds the reports in.
 * train-size, test-size and epochs in the address shorten it.
 */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { initialFromAddress, shorteningOf } from '../shared/lab-wiring.ts';
import { sequenceController } from '../shared/run-sequence.ts';
import { initialOverfit, RUNS, TRAIN_EVAL, type OverfitAction, type OverfitState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, OverfitState, OverfitAction> = {
  initial: initialFromAddress(initialOverfit),
  view: createView,
  controller: (context) =>
    sequenceController(context, {
      keys: RUNS.map((r) => r.key),
      prefix: 'overfit',
      fresh: () => initialOverfit(shorteningOf(context.address)),
      // The training accuracy is measured after each epoch too, on the same training images for both runs.
      request: (_, run, s) => ({ spec: run.spec, testSize: s.testSize, trainEval: TRAIN_EVAL }),
      recorded: async (s) => (await import('./recorded.ts')).recordedOverfit(s),
    }),
};

export const { initial, view, controller } = demo;
