/** The counter at three. */
import { defineSnapshots } from '../../contract/demo.ts';
import type { CounterState } from './model.ts';
import { createView } from './view.ts';

export default defineSnapshots<CounterState>({
  view: createView,
  snapshots: () => [{ name: 'example-3', states: [{ count: 3 }] }],
});
