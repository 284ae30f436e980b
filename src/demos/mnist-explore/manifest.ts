/** The clicker's steps show the reshape, then the scaling; the demo takes no parameters. */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { ExploreAction, ExploreState } from './model.ts';

export default defineDemo<NoParams, ExploreState, ExploreAction>({
  name: 'mnist-explore',
  load: () => import('./index.ts'),
});
