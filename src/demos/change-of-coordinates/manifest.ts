/** One clicker step turns the axes; the demo takes no parameters. */
import { defineDemo, NO_PARAMS } from '../../contract/demo.ts';
import type { CoordinatesAction, CoordinatesState } from './model.ts';

export default defineDemo<typeof NO_PARAMS, CoordinatesState, CoordinatesAction>({
  name: 'change-of-coordinates',
  params: NO_PARAMS,
  load: () => import('./index.ts'),
});
