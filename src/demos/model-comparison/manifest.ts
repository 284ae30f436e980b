/**
 * Logistic regression, the lecture's dense network and a small convnet,
 * trained live one after another on the real MNIST. No slide parameters: a
 * link shortens it with train-size, test-size, epochs and backend.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { ComparisonAction, ComparisonState } from './model.ts';

export default defineDemo<NoParams, ComparisonState, ComparisonAction>({
  name: 'model-comparison',
  keys: [
    { key: 'T', description: 'Model comparison: train the three models, pause or resume', action: { type: 'toggle' } },
    { key: 'R', description: 'Model comparison: start again', action: { type: 'reset' } },
  ],
  needs: { worker: true, tfjs: true },
  // data-best: the key of the most accurate model once all three are done (a poll before the slide asks for it).
  reports: ['best', 'state'],
  load: () => import('./index.ts'),
});
