/**
 * The model comparison's controller: sends the three runs to the page's
 * training worker (which trains them one after another, after any other
 * demo's run), pauses and resumes the one training, and feeds the reports
 * into the state. Training goes on when the slide is left, so a lecturer can
 * start it, move on, and come back to the results.
 *
 * The address shortens it as it does the live slide: train-size, test-size,
 * epochs and backend.
 */
import type { DemoModule, NoParams } from '../../contract/demo.ts';
import { initialFromAddress, shorteningOf } from '../shared/lab-wiring.ts';
import { sequenceController } from '../shared/run-sequence.ts';
import { initialComparison, MODELS, type ComparisonAction, type ComparisonState } from './model.ts';
import { createView } from './view.ts';

const demo: DemoModule<NoParams, ComparisonState, ComparisonAction> = {
  initial: initialFromAddress(initialComparison),
  view: createView,
  controller: (context) =>
    sequenceController(context, {
      keys: MODELS.map((m) => m.key),
      prefix: 'compare',
      fresh: () => initialComparison(shorteningOf(context.address)),
      request: (_, run, s) => ({ spec: run.spec, testSize: s.testSize }),
      recorded: async (s) => (await import('./recorded.ts')).recordedComparison(s),
    }),
};

export const { initial, view, controller } = demo;
