/** Each clicker step shows the next rank; the demo takes no parameters. */
import { defineDemo, NO_PARAMS } from '../../contract/demo.ts';
import type { TensorsAction, TensorsState } from './model.ts';

export default defineDemo<typeof NO_PARAMS, TensorsState, TensorsAction>({
  name: 'tensor-ranks',
  params: NO_PARAMS,
  load: () => import('./index.ts'),
});
