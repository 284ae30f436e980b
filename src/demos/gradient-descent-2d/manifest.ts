/** Gradient descent on two parameters, full batch against mini-batch, stepped or animated with A; parameters in params.ts. */
import { defineDemo } from '../../contract/demo.ts';
import type { Gd2Action, Gd2Params, Gd2State } from './model.ts';

export default defineDemo<Gd2Params, Gd2State, Gd2Action>({
  name: 'gradient-descent-2d',
  keys: [{ key: 'A', description: 'Animate: play or pause gradient descent on two parameters', action: { type: 'toggle-play' } }],
  load: () => import('./index.ts'),
});
