/** One clicker step turns the axes; the demo takes no parameters. */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { CoordinatesAction, CoordinatesState } from './model.ts';

export default defineDemo<NoParams, CoordinatesState, CoordinatesAction>({
  name: 'change-of-coordinates',
  load: () => import('./index.ts'),
});
