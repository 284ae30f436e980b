/** The clicker's steps light the loop's five steps; the demo takes no parameters. */
import { defineDemo, NO_PARAMS } from '../../contract/demo.ts';
import type { AnatomyAction, AnatomyState } from './model.ts';

export default defineDemo<typeof NO_PARAMS, AnatomyState, AnatomyAction>({
  name: 'training-anatomy',
  params: NO_PARAMS,
  load: () => import('./index.ts'),
});
