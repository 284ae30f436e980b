import { z } from 'zod';
import { defineDemo } from '../../contract/demo.ts';
import type { UncrumpleAction, UncrumpleState } from './model.ts';

/** No parameters. */
const params = z.object({}).strict();

export default defineDemo<typeof params, UncrumpleState, UncrumpleAction>({
  name: 'uncrumpling',
  keys: [{ key: 'A', description: 'Animate: train or pause the uncrumpling network', action: { type: 'toggle' } }],
  params,
  needs: { worker: false, tfjs: false },
  load: () => import('./index.ts'),
});
