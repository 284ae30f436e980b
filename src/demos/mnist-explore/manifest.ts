/** The clicker's steps show the reshape, then the scaling; the demo takes no parameters. */
import { defineDemo, NO_PARAMS } from '../../contract/demo.ts';
import type { ExploreAction, ExploreState } from './model.ts';

export default defineDemo<typeof NO_PARAMS, ExploreState, ExploreAction>({
  name: 'mnist-explore',
  params: NO_PARAMS,
  load: () => import('./index.ts'),
});
