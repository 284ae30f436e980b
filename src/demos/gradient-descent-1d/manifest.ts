/** Gradient descent on one parameter, stepped by the clicker or animated with A; parameters in params.ts. */
import { defineDemo } from '../../contract/demo.ts';
import type { Gd1Action, Gd1State } from './model.ts';
import type { Gd1Params } from './params.ts';

export default defineDemo<Gd1Params, Gd1State, Gd1Action>({
  name: 'gradient-descent-1d',
  keys: [{ key: 'A', description: 'Animate: play or pause gradient descent on one parameter', action: { type: 'toggle-play' } }],
  load: () => import('./index.ts'),
});
