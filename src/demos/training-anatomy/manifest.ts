import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { AnatomyAction, AnatomyState } from './model.ts';

/** No parameters: the clicker's `steps` light the loop's five steps. */
const params = z.object({}).strict();

export default defineDemo<typeof params, AnatomyState, AnatomyAction>({
  name: 'training-anatomy',
  keys: [],
  params,
  needs: { worker: false, tfjs: false },
  load: () => import('./index.ts'),
});
