import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { CoordinatesAction, CoordinatesState } from './model.ts';

/** No parameters: one clicker step turns the axes. */
const params = z.object({}).strict();

export default defineDemo<typeof params, CoordinatesState, CoordinatesAction>({
  name: 'change-of-coordinates',
  keys: [],
  params,
  needs: { worker: false, tfjs: false },
  load: () => import('./index.ts'),
});
