/** The clicker's steps light the loop's five steps; the demo takes no parameters. */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { AnatomyAction, AnatomyState } from './model.ts';

export default defineDemo<NoParams, AnatomyState, AnatomyAction>({
  name: 'training-anatomy',
  load: () => import('./index.ts'),
});
