/** Each clicker step shows the next rank; the demo takes no parameters. */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { TensorsAction, TensorsState } from './model.ts';

export default defineDemo<NoParams, TensorsState, TensorsAction>({
  name: 'tensor-ranks',
  load: () => import('./index.ts'),
});
