/**
 * The smallest worker-backed demo, to copy when writing one (see
 * src/demos/README.md): T trains logistic regression briefly in the page's
 * training worker and shows its test accuracy after each epoch. Embed it
 * with `::demo[A short training run]{name="example-training"}`.
 */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { ExampleTrainingAction, ExampleTrainingState } from './model.ts';

export default defineDemo<NoParams, ExampleTrainingState, ExampleTrainingAction>({
  name: 'example-training',
  keys: [{ key: 'T', description: 'Example: train, pause or resume', action: { type: 'toggle' } }],
  needs: { worker: true, tfjs: true },
  load: () => import('./index.ts'),
});
