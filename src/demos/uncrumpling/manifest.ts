/** A network trains live on two half-moons; the demo takes no parameters. */
import { defineDemo, type NoParams } from '../../contract/demo.ts';
import type { UncrumpleAction, UncrumpleState } from './model.ts';

export default defineDemo<NoParams, UncrumpleState, UncrumpleAction>({
  name: 'uncrumpling',
  keys: [{ key: 'A', description: 'Animate: train or pause the uncrumpling network', action: { type: 'toggle' } }],
  load: () => import('./index.ts'),
});
