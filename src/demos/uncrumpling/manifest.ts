/** A network trains live on two half-moons; the demo takes no parameters. */
import { defineDemo, NO_PARAMS } from '../../contract/demo.ts';
import type { UncrumpleAction, UncrumpleState } from './model.ts';

export default defineDemo<typeof NO_PARAMS, UncrumpleState, UncrumpleAction>({
  name: 'uncrumpling',
  keys: [{ key: 'A', description: 'Animate: train or pause the uncrumpling network', action: { type: 'toggle' } }],
  params: NO_PARAMS,
  load: () => import('./index.ts'),
});
