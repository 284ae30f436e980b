import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { TensorsAction, TensorsState } from './model.ts';

/** No parameters: each clicker step shows the next stage. */
const params = z.object({}).strict();

export default defineDemo<typeof params, TensorsState, TensorsAction>({
  name: 'tensor-ranks',
  keys: [],
  params,
  needs: { worker: false, tfjs: false },
  load: () => import('./index.ts'),
});
