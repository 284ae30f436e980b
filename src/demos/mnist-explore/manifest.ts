/** The clicker's steps show the reshape, then the scaling; `show="digits"` shows only a grid of real digits (params.ts). */
import { defineDemo } from '../../contract/demo.ts';
import type { ExploreAction, ExploreState } from './model.ts';
import type { ExploreParams } from './params.ts';

export default defineDemo<ExploreParams, ExploreState, ExploreAction>({
  name: 'mnist-explore',
  load: () => import('./index.ts'),
});
