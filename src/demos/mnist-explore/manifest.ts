import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { ExploreAction, ExploreState } from './model.ts';

/** No parameters: the clicker's `steps` show the reshape, then the scaling. */
const params = z.object({}).strict();

export default defineDemo<typeof params, ExploreState, ExploreAction>({
  name: 'mnist-explore',
  keys: [],
  params,
  needs: { worker: false, tfjs: false },
  load: () => import('./index.ts'),
});
